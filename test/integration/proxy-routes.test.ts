/**
 * Which way each request goes (ARCHITECTURE.md §8 "Proxies"): every hop of a redirect is judged
 * on its own URL (NO_PROXY, the system's PAC answer), and a proxy of the system's answer that
 * cannot be reached gives way to the answer's next entry. A real tinyproxy in between.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../src-main/contract/settings.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { type SystemProxyLookup } from '../../src-main/sources/network-route.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { freePort } from '../support/local-ports.js';
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.js';

const content = randomBytesSeeded(200 * 1024, 1601);
const viaProxy = (request: IncomingMessage) => /tinyproxy/i.test(request.headers.via ?? '');

interface Origin {
  url: (path: string) => string;
  host: string;
  paths: string[];
  close(): Promise<void>;
}

async function startOrigin(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<Origin> {
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    paths.push(`${viaProxy(request) ? 'proxied' : 'direct'} ${request.url}`);
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    host: `127.0.0.1:${port}`,
    paths,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Serves `content` to whoever `admit` lets in; 403 to the rest. */
const serving = (admit: (request: IncomingMessage) => boolean) => (request: IncomingMessage, response: ServerResponse) => {
  if (!admit(request)) {
    response.writeHead(403, { 'content-length': 0 }).end();
    return;
  }
  response.writeHead(200, { 'content-length': content.length, 'content-type': 'application/octet-stream' }).end(content);
};

describe('the route of each request', () => {
  let proxy: Tinyproxy | undefined;
  const origins: Origin[] = [];
  let engine: EngineHarness | undefined;
  const savedEnv = { ...process.env };
  afterEach(async () => {
    for (const name of ['HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
    await engine?.close();
    for (const origin of origins.splice(0)) await origin.close();
    await proxy?.close();
    engine = proxy = undefined;
  });

  function engineWith(settings: Partial<Settings>, systemProxy?: SystemProxyLookup): EngineHarness {
    const secrets = new MemorySecretStore();
    return startEngine({
      secrets,
      settings: { max_attempts: 1, connections: 1, ...settings },
      createSource: createSourceFactory({ secrets, ...(systemProxy ? { systemProxy } : {}) }),
    });
  }

  async function finish(url: string) {
    const { id } = await engine!.manager.add({ url });
    const done = await engine!.waitFor(id, (s) => s.status === 'completed' || s.status === 'failed');
    return { ...done, file: join(engine!.downloads, done.filename) };
  }

  /** A public mirror reachable only through the proxy, sending the file on to an inside host that refuses the proxy. */
  async function mirrorAndInside(): Promise<{ mirror: Origin; inside: Origin }> {
    const inside = await startOrigin(serving((request) => !viaProxy(request)));
    const mirror = await startOrigin((request, response) => {
      if (!viaProxy(request)) return void response.writeHead(403, { 'content-length': 0 }).end();
      response.writeHead(302, { location: inside.url('/file.bin'), 'content-length': 0 }).end();
    });
    origins.push(inside, mirror);
    return { mirror, inside };
  }

  it('a redirect to a host in NO_PROXY goes direct after the first hop went through the proxy', async () => {
    proxy = await startTinyproxy();
    const { mirror, inside } = await mirrorAndInside();
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = inside.host;
    engine = engineWith({ proxy: 'system' });
    const done = await finish(mirror.url('/get/file.bin'));
    expect([done.status, done.error_message]).toEqual(['completed', null]);
    expect(readFileSync(done.file).equals(content)).toBe(true);
    expect(proxy.requests()).toEqual([{ method: 'GET', target: mirror.url('/get/file.bin') }]);
    expect(mirror.paths).toEqual(['proxied /get/file.bin']);
    expect(inside.paths).toEqual(['direct /file.bin']);
  });

  it('the desktop\'s PAC answer is asked for each hop: PROXY for the mirror, DIRECT for the inside host', async () => {
    proxy = await startTinyproxy();
    const { mirror, inside } = await mirrorAndInside();
    const asked: string[] = [];
    engine = engineWith({ proxy: 'system' }, (url) => {
      asked.push(url);
      return Promise.resolve(url.startsWith(mirror.url('/')) ? `PROXY ${proxy!.host}` : 'DIRECT');
    });
    const done = await finish(mirror.url('/get/file.bin'));
    expect([done.status, done.error_message]).toEqual(['completed', null]);
    expect(readFileSync(done.file).equals(content)).toBe(true);
    expect(asked).toEqual([mirror.url('/get/file.bin'), inside.url('/file.bin')]);
    expect(inside.paths).toEqual(['direct /file.bin']);
  });

  it('a PAC proxy that cannot be reached gives way to the next entry, and is passed over by the next download', async () => {
    proxy = await startTinyproxy();
    const origin = await startOrigin(serving(viaProxy));
    origins.push(origin);
    const dead = `127.0.0.1:${await freePort()}`;
    let asked = 0;
    engine = engineWith({ proxy: 'system' }, () => {
      asked += 1;
      return Promise.resolve(`PROXY ${dead}; PROXY ${proxy!.host}; DIRECT`);
    });
    const first = await finish(origin.url('/one.bin'));
    expect([first.status, first.failed_count, first.error_message]).toEqual(['completed', 0, null]);
    expect(readFileSync(first.file).equals(content)).toBe(true);
    // Asked for the dead proxy's route, then again after it failed.
    expect(asked).toBe(2);
    const second = await finish(origin.url('/two.bin'));
    expect(second.status).toBe('completed');
    expect(asked).toBe(3);
    expect(proxy.requests().map((r) => r.target)).toEqual([origin.url('/one.bin'), origin.url('/two.bin')]);
  });

  it('with no entry left, the unreachable proxy is the error, naming it', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const origin = await startOrigin(serving(() => true));
    origins.push(origin);
    engine = engineWith({ proxy: 'system' }, () => Promise.resolve(`PROXY ${dead}`));
    const done = await finish(origin.url('/f.bin'));
    expect([done.status, done.error_code, done.error_message]).toEqual(['failed', 'PROXY_UNREACHABLE', `Max retries exceeded: Could not reach the proxy ${dead} (connection refused)`]);
    expect(origin.paths).toEqual([]);
  });
});
