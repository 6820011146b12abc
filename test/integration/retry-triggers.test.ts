import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeSource } from '../../src-main/contract/downloads.js';
import { HttpSource } from '../../src-main/sources/http-source.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type Fault, type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const SIZE = 1024 * 1024;
const content = randomBytesSeeded(SIZE, 3);

describe('transient failures are retried and the download completes', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  const cases: { name: string; fault: Fault; code: string; settings?: object }[] = [
    { name: 'connection reset', fault: { kind: 'reset' }, code: 'CONNECTION_RESET' },
    { name: 'connection dropped mid-body', fault: { kind: 'drop-after', bytes: 300_000 }, code: 'CONNECTION_RESET' },
    { name: 'stall', fault: { kind: 'stall-after', bytes: 100_000 }, code: 'STALLED', settings: { stall_timeout_seconds: 0.3 } },
    { name: 'HTTP 500', fault: { kind: 'status', status: 500 }, code: 'SERVER_ERROR' },
    { name: 'HTTP 502', fault: { kind: 'status', status: 502 }, code: 'SERVER_ERROR' },
    { name: 'HTTP 503', fault: { kind: 'status', status: 503 }, code: 'SERVER_ERROR' },
    { name: 'HTTP 504', fault: { kind: 'status', status: 504 }, code: 'SERVER_ERROR' },
    { name: 'HTTP 408', fault: { kind: 'status', status: 408 }, code: 'REQUEST_TIMEOUT' },
    { name: 'HTTP 429', fault: { kind: 'status', status: 429 }, code: 'RATE_LIMITED' },
    // A clean close before Content-Length is reached reads, to the client, as a lost connection.
    { name: 'body shorter than announced', fault: { kind: 'short-body', bytes: 200_000 }, code: 'CONNECTION_RESET' },
  ];

  for (const { name, fault, code, settings } of cases) {
    it(`${name} → ${code}, retried, byte-identical`, async () => {
      origin = await startFaultOrigin({ '/f.bin': { content } });
      origin.script('/f.bin', fault);
      engine = startEngine({ settings: { ...settings } });
      const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
      const done = await engine.waitForStatus(id, 'completed');
      expect(done.failed_count).toBe(1);
      expect(readFileSync(done.path).equals(content)).toBe(true);
      const attempts = engine.store.listAttempts(id);
      expect(attempts.map((a) => a.error_code)).toEqual([code, null]);
      expect(origin.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    });
  }

  it('429 with Retry-After waits as long as the server asks', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const waiting = await engine.waitForStatus(id, 'retrying');
    expect(waiting.retry_info.next_retry_in).toBe(1);
    await engine.waitForStatus(id, 'completed');
    const [first, second] = engine.store.listAttempts(id);
    // The schedule alone would wait 50 ms; the server asked for a second.
    expect(second!.started_at - first!.ended_at!).toBeGreaterThanOrEqual(990);
  });

  it('a DNS failure (through the lookup hook) is retried', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    let lookups = 0;
    // No real DNS query: "origin.test" resolves to the local origin, except the first time.
    const lookup = ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
      lookups += 1;
      if (lookups === 1) {
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
        return;
      }
      dnsLookup('127.0.0.1', options, callback as (err: Error | null, a: string | LookupAddress[], f?: number) => void);
    }) as unknown as LookupFunction;
    engine = startEngine({ createSource: (source) => new HttpSource(describeSource(source), { lookup }) });
    const { id } = await engine.manager.add({ url: `http://origin.test:${origin.port}/f.bin` });
    const done = await engine.waitForStatus(id, 'completed');
    expect(engine.store.listAttempts(id).map((a) => a.error_code)).toEqual(['DNS_FAILURE', null]);
    expect(engine.store.listAttempts(id)[0]!.error_message).toBe('Could not resolve host origin.test:' + origin.port);
    expect(readFileSync(done.path).equals(content)).toBe(true);
  });

  it('connection refused is retried until the server is back', async () => {
    // Find a free port, then leave it closed for the first attempt.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    engine = startEngine({ settings: { initial_delay_seconds: 0.3 } });
    const { id } = await engine.manager.add({ url: `http://127.0.0.1:${port}/f.bin` });
    const waiting = await engine.waitForStatus(id, 'retrying');
    expect(waiting.error_code).toBe('CONNECTION_REFUSED');
    expect(waiting.failed_count).toBe(1);
    const served = await startFaultOrigin({ '/f.bin': { content } });
    await served.close();
    // Bring an origin up on the very port the download points at.
    const { createServer: createHttpServer } = await import('node:http');
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-length': SIZE, etag: '"x"' });
      res.end(content);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const done = await engine.waitForStatus(id, 'completed');
      expect(readFileSync(done.path).equals(content)).toBe(true);
      expect(done.failed_count).toBeGreaterThanOrEqual(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('permanent failures fail at once after exactly one request', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  const cases: { status: number; code: string; message: string; headers?: Record<string, string> }[] = [
    { status: 404, code: 'NOT_FOUND', message: 'File not found on the server (HTTP 404 Not Found)' },
    { status: 410, code: 'NOT_FOUND', message: 'File not found on the server (HTTP 410 Gone)' },
    { status: 403, code: 'ACCESS_DENIED', message: 'Access denied (HTTP 403 Forbidden)' },
    { status: 401, code: 'UNAUTHORIZED', message: 'The server requires a login (HTTP 401 Unauthorized)' },
    { status: 400, code: 'HTTP_CLIENT_ERROR', message: 'The server refused the request (HTTP 400)' },
    {
      status: 302,
      headers: { location: 'ftp://127.0.0.1/f.bin' },
      code: 'UNSUPPORTED_SCHEME',
      message: 'redirected to an address that is not http:// or https://',
    },
  ];

  for (const { status, code, message, headers } of cases) {
    it(`HTTP ${status} → failed, ${code}`, async () => {
      origin = await startFaultOrigin({ '/f.bin': { content } });
      origin.script('/f.bin', { kind: 'status', status, ...(headers ? { headers } : {}) });
      engine = startEngine();
      const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
      const failed = await engine.waitForStatus(id, 'failed');
      expect(failed.error_code).toBe(code);
      expect(failed.error_message).toContain(message);
      expect(failed.error_message).not.toContain('Max retries exceeded');
      expect(failed.failed_count).toBe(1);
      expect(failed.retry_info.next_retry_in).toBeNull();
      expect(origin.requests).toHaveLength(1);
      expect(engine.store.listAttempts(id)).toHaveLength(1);
    });
  }
});
