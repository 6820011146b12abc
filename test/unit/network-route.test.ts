import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../src-main/contract/settings.js';
import { DownloadError } from '../../src-main/engine/download-error.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { NetworkRoutes, UNREACHABLE_PROXY_MS } from '../../src-main/sources/network-route.js';
import { tempDir } from '../support/engine-harness.js';

const settings = (patch: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, download_dir: '/dl', ...patch });
const TARGET = 'https://files.example.com/a.bin';

async function failure(promise: Promise<unknown>): Promise<[string, boolean, string]> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof DownloadError)) throw new Error(`expected a DownloadError, got ${String(error)}`);
  return [error.code, error.transient, error.message];
}

describe('NetworkRoutes (no request is made: only the route is chosen)', () => {
  const saved = process.env.HTTPS_PROXY;
  let dir: string | undefined;
  afterEach(() => {
    if (saved === undefined) delete process.env.HTTPS_PROXY;
    else process.env.HTTPS_PROXY = saved;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('"none" and a direct environment are direct; a proxy URL gets agents and names host and port only', async () => {
    const secrets = new MemorySecretStore();
    const routes = new NetworkRoutes({ secrets });
    expect(await routes.routeFor(TARGET, settings({ proxy: 'none' }))).toEqual({ proxy: null, fallback: false });
    expect(await routes.routeFor(TARGET, settings({ proxy: 'system' }))).toEqual({ proxy: null, fallback: false });
    secrets.set('proxy_password', 'pw');
    const custom = await routes.routeFor(TARGET, settings({ proxy: 'http://me@proxy.corp:3128' }));
    expect(custom.proxy).toEqual({ host: 'proxy.corp:3128', withCredentials: true });
    expect(custom.agents).toBeDefined();
    // The same proxy again: the same agents, so kept-alive tunnels are reused.
    expect((await routes.routeFor(TARGET, settings({ proxy: 'http://me@proxy.corp:3128' }))).agents).toBe(custom.agents);
  });

  it('an unusable HTTPS_PROXY is a permanent PROXY_ERROR that never quotes the value', async () => {
    process.env.HTTPS_PROXY = 'ftp://user:leak@proxy.corp:21';
    const [code, transient, message] = await failure(new NetworkRoutes({ secrets: new MemorySecretStore() }).routeFor(TARGET, settings({})));
    expect([code, transient]).toEqual(['PROXY_ERROR', false]);
    expect(message).not.toMatch(/leak|user|proxy\.corp/);
  });

  it('the system lookup failing is a transient PROXY_ERROR; its PAC answer picks the route', async () => {
    const failing = new NetworkRoutes({ secrets: new MemorySecretStore(), systemProxy: () => Promise.reject(new Error('no session')) });
    expect(await failure(failing.routeFor(TARGET, settings({})))).toEqual(['PROXY_ERROR', true, 'Could not find out from the system which proxy to use']);
    const pac = new NetworkRoutes({ secrets: new MemorySecretStore(), systemProxy: () => Promise.resolve('SOCKS5 10.1.2.3:1080; DIRECT') });
    expect((await pac.routeFor(TARGET, settings({}))).proxy).toEqual({ host: '10.1.2.3:1080', withCredentials: false });
  });

  it('ca_file adds its certificates to Node\'s roots; an unreadable one is CA_FILE_ERROR, permanent', async () => {
    dir = tempDir();
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.pem'), pem);
    const routes = new NetworkRoutes({ secrets: new MemorySecretStore() });
    const route = await routes.routeFor(TARGET, settings({ proxy: 'none', ca_file: join(dir, 'ca.pem') }));
    expect(route.certificateAuthority?.at(-1)).toBe(pem);
    expect(route.certificateAuthority!.length).toBeGreaterThan(100);
    expect(await failure(routes.routeFor(TARGET, settings({ ca_file: join(dir, 'nope.pem') })))).toEqual([
      'CA_FILE_ERROR',
      false,
      `Cannot read the CA file ${join(dir, 'nope.pem')} (ENOENT)`,
    ]);
  });
  it('a system proxy reported unreachable is passed over for five minutes, then tried first again', async () => {
    let now = 1_000_000;
    const routes = new NetworkRoutes({
      secrets: new MemorySecretStore(),
      systemProxy: () => Promise.resolve('PROXY a.corp:3128; PROXY b.corp:3128'),
      now: () => now,
    });
    const system = settings({ proxy: 'system' });
    const first = await routes.routeFor(TARGET, system);
    expect([first.proxy?.host, first.fallback]).toEqual(['a.corp:3128', true]);
    routes.unreachable(first);
    const next = await routes.routeFor(TARGET, system);
    expect([next.proxy?.host, next.fallback]).toEqual(['b.corp:3128', false]);
    now += UNREACHABLE_PROXY_MS - 1;
    expect((await routes.routeFor(TARGET, system)).proxy?.host).toBe('b.corp:3128');
    now += 2;
    expect((await routes.routeFor(TARGET, system)).proxy?.host).toBe('a.corp:3128');
  });
});
