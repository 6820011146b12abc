import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { type Socks5Proxy, startSocks5Proxy } from '../support/socks5-proxy.js';
import { startTlsOrigin, type TlsOrigin } from '../support/tls-origin.js';

const content = randomBytesSeeded(128 * 1024, 1504);

describe('a socks5:// proxy with a user and password', () => {
  let socks: Socks5Proxy | undefined;
  let tls: TlsOrigin | undefined;
  let plain: Server | undefined;
  let engine: EngineHarness | undefined;
  afterEach(async () => {
    await engine?.close();
    await tls?.close();
    plain?.closeAllConnections();
    await new Promise((resolve) => (plain ? plain.close(resolve) : resolve(undefined)));
    await socks?.close();
    socks = tls = plain = engine = undefined;
  });

  async function setUp(password: string) {
    socks = await startSocks5Proxy({ user: 'carol', password: 'socks-pw' });
    tls = await startTlsOrigin((_request, response) => response.writeHead(200, { 'content-length': content.length }).end(content));
    plain = createServer((_request, response) => response.writeHead(200, { 'content-length': content.length }).end(content));
    await new Promise<void>((resolve) => plain!.listen(0, '127.0.0.1', resolve));
    const secrets = new MemorySecretStore();
    engine = startEngine({ secrets, settings: { max_attempts: 2 }, createSource: createSourceFactory({ secrets, extraCaCertificates: [tls.certificate] }) });
    await engine.api.updateSettings({ proxy: `socks5://carol:${password}@${socks.host}` });
    return { httpUrl: `http://127.0.0.1:${(plain.address() as { port: number }).port}/p.bin`, httpsUrl: tls.url('/s.bin') };
  }

  async function finish(url: string) {
    const { id } = await engine!.api.add({ url });
    return engine!.waitFor(id, (s) => s.status === 'completed' || s.status === 'failed');
  }

  it('carries http:// and https:// downloads; every TLS connection the origin saw came through it', async () => {
    const { httpUrl, httpsUrl } = await setUp('socks-pw');
    const viaHttp = await finish(httpUrl);
    const viaHttps = await finish(httpsUrl);
    expect([viaHttp.status, viaHttps.status, viaHttps.error_message]).toEqual(['completed', 'completed', null]);
    expect(readFileSync(join(engine!.downloads, viaHttps.filename!)).equals(content)).toBe(true);
    const tlsHost = new URL(httpsUrl).host;
    expect(socks!.connects).toContain(new URL(httpUrl).host);
    expect(socks!.connects.filter((target) => target === tlsHost)).toHaveLength(tls!.connections);
  });

  it('a wrong password fails at once with PROXY_AUTH_REQUIRED naming the proxy', async () => {
    const { httpsUrl } = await setUp('wrong');
    const failed = await finish(httpsUrl);
    expect([failed.status, failed.error_code, failed.failed_count]).toEqual(['failed', 'PROXY_AUTH_REQUIRED', 1]);
    expect(failed.error_message).toBe(`The proxy ${socks!.host} did not accept its user name and password`);
    expect(tls!.connections).toBe(0);
  });
});
