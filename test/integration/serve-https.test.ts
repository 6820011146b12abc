/**
 * `steadfast serve` over HTTPS (ARCHITECTURE.md §7 "Transports"): the API, the event stream and
 * a download through TLS with a certificate from a private authority; plain HTTP gets nothing;
 * the connection cap still knows a token holder's TLS connection; bad files stop the start.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { rawRequest } from '../support/api-client.js';
import { type ApiHarness, startApi, TEST_TOKEN } from '../support/api-server.js';
import { runCli } from '../support/cli-process.js';
import { tempDir } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { startServeProcess } from '../support/serve-process.js';
import { makeAuthority, signLeaf } from '../support/tls-origin.js';

const authority = makeAuthority('Steadfast Serve Test CA');
const leaf = signLeaf(authority, { altName: 'IP:127.0.0.1', days: 1 });

interface Answer {
  status: number;
  json: unknown;
  /** Which of the agent's connections carried it. */
  socket: unknown;
}

function call(port: number, method: string, path: string, options: { token?: string; body?: unknown; agent?: Agent } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: authority.certificate,
        ...(options.agent ? { agent: options.agent } : {}),
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text === '' ? null : (JSON.parse(text) as unknown), socket: req.socket }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('steadfast serve over HTTPS', () => {
  let server: ApiHarness | undefined;
  let origin: FaultOrigin | undefined;
  let root: string | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.close();
    await origin?.close();
    if (root) rmSync(root, { recursive: true, force: true });
    server = origin = root = undefined;
  });

  it('serves the API, the event stream and a download through TLS; plain HTTP on the port gets no answer', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: randomBytesSeeded(256 * 1024, 1701) } });
    server = await startApi({}, { tls: leaf });
    const { port } = server;
    expect((await call(port, 'GET', '/api/downloads')).status).toBe(401);
    expect(await call(port, 'GET', '/api/downloads', { token: TEST_TOKEN })).toMatchObject({ status: 200, json: { downloads: [] } });

    const events = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, path: '/api/events', ca: authority.certificate, headers: { authorization: `Bearer ${TEST_TOKEN}` } },
        (res) => {
          res.setEncoding('utf8');
          res.once('data', (chunk: string) => {
            resolve(`${res.statusCode} ${chunk}`);
            req.destroy();
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(events).toMatch(/^200 (event|:)/);

    const started = await call(port, 'POST', '/api/downloads/start', { token: TEST_TOKEN, body: { url: origin.url('/f.bin') } });
    expect(started.status).toBe(201);
    const { id } = started.json as DownloadSnapshot;
    let snapshot = started.json as DownloadSnapshot;
    for (let i = 0; i < 200 && snapshot.status !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      snapshot = (await call(port, 'GET', `/api/downloads/${id}`, { token: TEST_TOKEN })).json as DownloadSnapshot;
    }
    expect(snapshot.status).toBe('completed');
    expect(readFileSync(snapshot.path).equals(randomBytesSeeded(256 * 1024, 1701))).toBe(true);

    // Plain HTTP to the TLS port: the handshake fails and no HTTP answer comes back.
    await expect(rawRequest(port, 'GET', '/api/downloads', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).rejects.toThrow();
  });

  it('a token holder\'s TLS connection is never pushed out by newcomers that never finish a handshake', async () => {
    server = await startApi({}, { tls: leaf, limits: { maxConnections: 4 } });
    const { port } = server;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await call(port, 'GET', '/api/downloads', { token: TEST_TOKEN, agent });
      expect(first.status).toBe(200);
      for (let i = 0; i < 8; i++) {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        sockets.push(socket);
        await new Promise((resolve) => socket.once('connect', resolve));
      }
      const second = await call(port, 'GET', '/api/downloads', { token: TEST_TOKEN, agent });
      expect(second.status).toBe(200);
      // The same connection carried it: it was kept while eight newcomers came and went.
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });

  it('as a process: prints its https address; a key that is not the certificate\'s stops the start with a sentence', async () => {
    root = tempDir();
    writeFileSync(join(root, 'cert.pem'), leaf.cert);
    writeFileSync(join(root, 'key.pem'), leaf.key, { mode: 0o600 });
    const served = await startServeProcess(root, TEST_TOKEN, { args: ['--tls-cert', join(root, 'cert.pem'), '--tls-key', join(root, 'key.pem')] });
    try {
      expect(served.output).toContain(`UI:  https://127.0.0.1:${served.port}/#token=<token>`);
      expect((await call(served.port, 'GET', '/api/downloads', { token: TEST_TOKEN })).status).toBe(200);
    } finally {
      served.run.child.kill('SIGTERM');
    }
    expect((await served.run.exited).code).toBe(0);

    writeFileSync(join(root, 'other-key.pem'), signLeaf(authority, { altName: 'IP:127.0.0.1', days: 1 }).key, { mode: 0o600 });
    const refused = await runCli(['serve', '--port', '0', '--data-dir', join(root, 'data2'), '--tls-cert', join(root, 'cert.pem'), '--tls-key', join(root, 'other-key.pem')]).exited;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`^steadfast: The TLS certificate ${join(root, 'cert.pem')} and key ${join(root, 'other-key.pem')} cannot be used together \\(.+\\): give a PEM certificate and the PEM private key it was made for\\n$`),
    );
  });
});
