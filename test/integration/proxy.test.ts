import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../src-main/contract/settings.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.js';
import { startTlsOrigin, type TlsOrigin } from '../support/tls-origin.js';

const content = randomBytesSeeded(300 * 1024, 1501);
const PASSWORD = 'pr0xy-s3cret-do-not-print';

/**
 * A plain http:// origin that serves `content` only to requests tinyproxy forwarded (they carry
 * its `Via` header): a download that went direct gets 403.
 */
async function startViaOnlyOrigin(): Promise<{ url: string; host: string; served: () => number; close(): Promise<void> }> {
  let served = 0;
  const server: Server = createServer((request, response) => {
    if (!/tinyproxy/i.test(request.headers.via ?? '')) {
      response.writeHead(403, { 'content-length': 0 }).end();
      return;
    }
    served += 1;
    response.writeHead(200, { 'content-length': content.length, 'content-type': 'application/octet-stream' }).end(content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/file.bin`,
    host: `127.0.0.1:${port}`,
    served: () => served,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('downloads through a proxy (a real tinyproxy)', () => {
  let proxy: Tinyproxy | undefined;
  let origin: Awaited<ReturnType<typeof startViaOnlyOrigin>> | undefined;
  let tls: TlsOrigin | undefined;
  let engine: EngineHarness | undefined;
  const savedEnv = { ...process.env };
  afterEach(async () => {
    for (const name of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
    await engine?.close();
    await origin?.close();
    await tls?.close();
    await proxy?.close();
    engine = origin = tls = proxy = undefined;
  });

  /** An engine trusting the TLS origin's certificate (when there is one), with these settings. */
  function engineWith(settings: Partial<Settings>, secrets = new MemorySecretStore()): EngineHarness {
    return startEngine({
      secrets,
      settings: { max_attempts: 2, ...settings },
      createSource: createSourceFactory({ secrets, ...(tls ? { extraCaCertificates: [tls.certificate] } : {}) }),
    });
  }

  async function finish(url: string): Promise<{ status: string; error_code: string | null; error_message: string | null; file: string }> {
    const { id, filename } = await engine!.manager.add({ url });
    const done = await engine!.waitFor(id, (s) => s.status === 'completed' || s.status === 'failed');
    return { status: done.status, error_code: done.error_code, error_message: done.error_message, file: join(engine!.downloads, done.filename ?? filename ?? '') };
  }

  it('a proxy URL setting: http:// goes through the proxy (the origin refuses anything else); "none" goes direct and is refused', async () => {
    proxy = await startTinyproxy();
    origin = await startViaOnlyOrigin();
    engine = engineWith({ proxy: proxy.url });
    const through = await finish(origin.url);
    expect(through.status).toBe('completed');
    expect(readFileSync(through.file).equals(content)).toBe(true);
    expect(proxy.requests()).toEqual([{ method: 'GET', target: origin.url }]);
    await engine.close();

    engine = engineWith({ proxy: 'none' });
    const direct = await finish(origin.url);
    expect([direct.status, direct.error_code]).toEqual(['failed', 'ACCESS_DENIED']);
    expect(proxy.requests()).toHaveLength(1);
    expect(origin.served()).toBe(1);
  });

  it('https:// tunnels through CONNECT: every TLS connection the origin accepted is one the proxy opened', async () => {
    proxy = await startTinyproxy();
    tls = await startTlsOrigin((_request, response) => response.writeHead(200, { 'content-length': content.length }).end(content));
    engine = engineWith({ proxy: proxy.url });
    const done = await finish(tls.url('/secure.bin'));
    expect([done.status, done.error_message]).toEqual(['completed', null]);
    expect(readFileSync(done.file).equals(content)).toBe(true);
    const tunnels = proxy.requests().filter((r) => r.method === 'CONNECT');
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels.map((r) => r.target))).toEqual(new Set([new URL(tls.url('/')).host]));
    expect(tls.connections).toBe(tunnels.length);
  });

  it('"system" honours HTTP_PROXY and HTTPS_PROXY; a host in NO_PROXY goes direct and the proxy sees nothing; "none" ignores them all', async () => {
    proxy = await startTinyproxy();
    origin = await startViaOnlyOrigin();
    process.env.HTTP_PROXY = proxy.url;
    process.env.HTTPS_PROXY = proxy.url;
    engine = engineWith({ proxy: 'system' });
    expect((await finish(origin.url)).status).toBe('completed');
    expect(proxy.requests()).toHaveLength(1);
    await engine.close();

    process.env.NO_PROXY = 'localhost,127.0.0.1';
    engine = engineWith({ proxy: 'system' });
    const bypassed = await finish(origin.url);
    expect([bypassed.status, bypassed.error_code]).toEqual(['failed', 'ACCESS_DENIED']);
    expect(proxy.requests()).toHaveLength(1);
    await engine.close();

    delete process.env.NO_PROXY;
    engine = engineWith({ proxy: 'none' });
    expect((await finish(origin.url)).error_code).toBe('ACCESS_DENIED');
    expect(proxy.requests()).toHaveLength(1);
    expect(origin.served()).toBe(1);
  });

  it('"system" in the desktop app asks its resolveProxy (Chromium\'s PAC answer) for each URL: PROXY goes through, DIRECT does not', async () => {
    proxy = await startTinyproxy();
    origin = await startViaOnlyOrigin();
    // The environment must not matter when the app's lookup is given.
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    const asked: string[] = [];
    let answer = `QUIC 127.0.0.1:1; PROXY ${proxy.host}; DIRECT`;
    const secrets = new MemorySecretStore();
    engine = startEngine({
      secrets,
      settings: { proxy: 'system', max_attempts: 1 },
      createSource: createSourceFactory({
        secrets,
        systemProxy: (url) => {
          asked.push(url);
          return Promise.resolve(answer);
        },
      }),
    });
    expect((await finish(origin.url)).status).toBe('completed');
    expect(proxy.requests()).toEqual([{ method: 'GET', target: origin.url }]);
    answer = 'DIRECT';
    expect((await finish(origin.url)).error_code).toBe('ACCESS_DENIED');
    expect(proxy.requests()).toHaveLength(1);
    expect(asked).toEqual([origin.url, origin.url]);
  });

  it('a user and password in the proxy URL: the password goes to the secret store, never to settings, snapshots or the database', async () => {
    proxy = await startTinyproxy({ basicAuth: { user: 'alice', password: PASSWORD } });
    origin = await startViaOnlyOrigin();
    const secrets = new MemorySecretStore();
    engine = engineWith({}, secrets);
    const settings = await engine.api.updateSettings({ proxy: `http://alice:${PASSWORD}@${proxy.host}` });
    expect([settings.proxy, settings.proxy_password_set]).toEqual([`http://alice@${proxy.host}`, true]);
    expect(secrets.get('proxy_password')).toBe(PASSWORD);
    const done = await finish(origin.url);
    expect(done.status).toBe('completed');
    expect(readFileSync(done.file).equals(content)).toBe(true);
    const everything = JSON.stringify([await engine.api.getSettings(), await engine.api.list(), engine.store.readSettings()]);
    expect(everything).not.toContain(PASSWORD);
    expect(readFileSync(engine.dbPath).includes(PASSWORD)).toBe(false);
  });

  it('a wrong proxy password fails at once with PROXY_AUTH_REQUIRED naming the proxy, never the password', async () => {
    proxy = await startTinyproxy({ basicAuth: { user: 'alice', password: 'right' } });
    tls = await startTlsOrigin((_request, response) => response.writeHead(200, { 'content-length': content.length }).end(content));
    const secrets = new MemorySecretStore();
    engine = engineWith({}, secrets);
    await engine.api.updateSettings({ proxy: `http://alice@${proxy.host}`, proxy_password: PASSWORD });
    const wrong = await finish(tls.url('/secure.bin'));
    expect([wrong.status, wrong.error_code]).toEqual(['failed', 'PROXY_AUTH_REQUIRED']);
    expect(wrong.error_message).toBe(`The proxy ${proxy.host} did not accept its user name and password (HTTP 401)`);
    expect(tls.connections).toBe(0);

    // No password at all: tinyproxy asks for one with 407.
    await engine.api.updateSettings({ proxy: proxy.url });
    expect((await engine.api.getSettings()).proxy_password_set).toBe(false);
    const none = await finish(tls.url('/secure.bin'));
    expect([none.error_code, none.error_message]).toEqual(['PROXY_AUTH_REQUIRED', `The proxy ${proxy.host} requires a user name and password (HTTP 407)`]);
    const attempts = (await engine.api.list()).map((s) => s.failed_count);
    expect(attempts).toEqual([1, 1]);
  });

  it('errors past the proxy: a tunnel it cannot open is PROXY_ERROR naming both, retried; a plain server\'s 502 stays the server\'s', async () => {
    proxy = await startTinyproxy();
    // A port nobody listens on: tinyproxy answers the CONNECT with 500.
    tls = await startTlsOrigin((_request, response) => response.end());
    const closedUrl = tls.url('/gone.bin');
    await tls.close();
    tls = undefined;
    engine = engineWith({ proxy: proxy.url, max_attempts: 2 });
    const tunnel = await finish(closedUrl);
    expect([tunnel.status, tunnel.error_code]).toEqual(['failed', 'PROXY_ERROR']);
    expect(tunnel.error_message).toBe(`Max retries exceeded: The proxy ${proxy.host} could not reach ${new URL(closedUrl).host} (HTTP 500)`);

    const bad: Server = createServer((_request, response) => response.writeHead(502, { 'content-length': 0 }).end());
    await new Promise<void>((resolve) => bad.listen(0, '127.0.0.1', resolve));
    try {
      const plain = await finish(`http://127.0.0.1:${(bad.address() as { port: number }).port}/x.bin`);
      expect([plain.error_code, plain.error_message]).toEqual(['SERVER_ERROR', 'Max retries exceeded: Temporary server error (HTTP 502 Bad Gateway)']);
    } finally {
      bad.closeAllConnections();
      await new Promise((resolve) => bad.close(resolve));
    }
  });

  it('a proxy that cannot be reached is PROXY_UNREACHABLE, transient: retried until the attempts run out', async () => {
    proxy = await startTinyproxy();
    const gone = proxy.host;
    await proxy.close();
    proxy = undefined;
    origin = await startViaOnlyOrigin();
    engine = engineWith({ proxy: `http://${gone}`, max_attempts: 2 });
    const failed = await finish(origin.url);
    expect([failed.status, failed.error_code]).toEqual(['failed', 'PROXY_UNREACHABLE']);
    expect(failed.error_message).toBe(`Max retries exceeded: Could not reach the proxy ${gone} (connection refused)`);
    const [download] = await engine.api.list();
    expect(engine.store.listAttempts(download!.id).map((a) => a.error_code)).toEqual(['PROXY_UNREACHABLE', 'PROXY_UNREACHABLE']);
  });
});
