import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import type { Settings } from '../../src-main/contract/settings.js';
import { type ApiHarness, startApi } from '../support/api-server.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const content = randomBytesSeeded(64 * 1024, 151);
const REFUSAL_TAIL = '; this server saves only inside the folders given to --allowed-dirs at start';

/**
 * `steadfast serve`'s folder allow-list over the REST API: the engine's downloads folder and
 * `<root>/allowed` are allowed; `<root>/outside` is not (all in the test's temporary folder).
 */
describe('allowed folders (steadfast serve --allowed-dirs)', () => {
  let origin: FaultOrigin;
  let server: ApiHarness;
  afterEach(async () => {
    await server?.close();
    await origin?.close();
  });

  async function start(settings: Partial<Settings> = {}) {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    server = await startApi(settings, { allowedDirs: (root) => [join(root, 'downloads'), join(root, 'allowed')] });
    const { root } = server.engine;
    mkdirSync(join(root, 'allowed'));
    mkdirSync(join(root, 'outside'));
    return { root, allowed: join(root, 'allowed'), outside: join(root, 'outside') };
  }

  const waitStatus = async (id: string, status: string) => {
    for (let i = 0; i < 400; i++) {
      const { json } = await server.api.get(`/api/downloads/${id}`);
      if ((json as DownloadSnapshot).status === status) return json as DownloadSnapshot;
      await sleep(25);
    }
    throw new Error(`${id} never became ${status}`);
  };

  /** Everything a refused request could have changed: the downloads, the settings, the folder outside. */
  const state = async (outside: string) => ({
    downloads: (await server.api.get('/api/downloads')).json,
    settings: (await server.api.get('/api/settings')).json,
    outside: readdirSync(outside, { recursive: true }),
  });

  it('refuses proxy, proxy_password and ca_file over the API with 403, changing nothing; other settings still save', async () => {
    const { outside } = await start();
    const before = await state(outside);
    for (const body of [
      { proxy: 'http://127.0.0.1:9' },
      { proxy: 'none' },
      { proxy_password: 'catch-me' },
      { ca_file: join(outside, 'attacker-ca.pem') },
      { ca_file: null, max_attempts: 9 },
    ]) {
      const refused = await server.api.patch('/api/settings', body);
      expect([refused.status, (refused.json as { error: { code: string } }).error.code]).toEqual([403, 'FORBIDDEN']);
      expect((refused.json as { error: { message: string } }).error.message).toContain(
        "cannot be changed over the API: this server's proxy and trusted authorities are set when it starts (--proxy, --ca-file, HTTPS_PROXY)",
      );
    }
    expect(await state(outside)).toEqual(before);
    const saved = await server.api.patch('/api/settings', { max_attempts: 7 });
    expect([saved.status, (saved.json as Settings).max_attempts, (saved.json as Settings).proxy]).toEqual([200, 7, 'system']);
  });

  it('refuses a dest_dir or download_dir outside every allowed folder with 403, changing nothing', async () => {
    const { outside } = await start();
    const before = await state(outside);
    const cases: [string, string, unknown][] = [
      ['/api/downloads/start', 'POST', { url: origin.url('/f.bin'), dest_dir: outside }],
      ['/api/downloads/start', 'POST', { url: origin.url('/f.bin'), dest_dir: join(outside, 'new', 'deeper') }],
      ['/api/downloads/start', 'POST', { url: origin.url('/f.bin'), dest_dir: '/' }],
      ['/api/settings', 'PATCH', { download_dir: outside }],
      ['/api/settings', 'PATCH', { max_attempts: 9, download_dir: join(outside, 'new') }],
    ];
    for (const [path, method, body] of cases) {
      const response = await server.api.call(method, path, body);
      const folder = (body as { dest_dir?: string; download_dir?: string }).dest_dir ?? (body as { download_dir: string }).download_dir;
      const field = path === '/api/settings' ? 'download_dir' : 'dest_dir';
      expect([response.status, response.json]).toEqual([
        403,
        { error: { code: 'FORBIDDEN', message: `${field} "${folder}" is outside the allowed folders (symlinks followed)${REFUSAL_TAIL}` } },
      ]);
    }
    expect(await state(outside)).toEqual(before);
    expect(existsSync(join(outside, 'new'))).toBe(false);
  });

  it('refuses a symlink inside an allowed folder that leads outside, and any ".."', async () => {
    const { allowed, outside } = await start();
    symlinkSync(outside, join(allowed, 'escape'));
    const before = await state(outside);
    for (const dest_dir of [join(allowed, 'escape'), join(allowed, 'escape', 'not-yet')]) {
      const response = await server.api.post('/api/downloads/start', { url: origin.url('/f.bin'), dest_dir });
      expect([response.status, (response.json as { error: { message: string } }).error.message]).toEqual([
        403,
        `dest_dir "${dest_dir}" is outside the allowed folders (symlinks followed)${REFUSAL_TAIL}`,
      ]);
    }
    // `..` out of an allowed folder, and `..` that would come back into one: both refused.
    for (const dest_dir of [`${allowed}/../outside`, `${allowed}/sub/../x`]) {
      const response = await server.api.post('/api/downloads/start', { url: origin.url('/f.bin'), dest_dir });
      expect([response.status, (response.json as { error: { code: string; message: string } }).error]).toEqual([
        403,
        { code: 'FORBIDDEN', message: `dest_dir "${dest_dir}" contains ".."${REFUSAL_TAIL}` },
      ]);
    }
    const settings = await server.api.patch('/api/settings', { download_dir: join(allowed, 'escape') });
    expect(settings.status).toBe(403);
    expect(await state(outside)).toEqual(before);
    expect(origin.requests).toHaveLength(0);
  });

  it('saves inside an allowed folder (new subfolders and symlinks that stay inside included)', async () => {
    const { root, allowed } = await start();
    mkdirSync(join(allowed, 'real'));
    symlinkSync(join(allowed, 'real'), join(allowed, 'inner-link'));
    const targets = [join(allowed, 'new', 'sub'), join(allowed, 'inner-link'), undefined];
    for (const [index, dest_dir] of targets.entries()) {
      const started = await server.api.post('/api/downloads/start', {
        url: origin.url('/f.bin'),
        filename: `f${index}.bin`,
        ...(dest_dir === undefined ? {} : { dest_dir }),
      });
      expect(started.status).toBe(201);
      const done = await waitStatus((started.json as DownloadSnapshot).id, 'completed');
      // A folder is kept as one spelling, links resolved (ARCHITECTURE.md §4 "File names").
      expect(done.path).toBe(join(realpathSync(dest_dir ?? join(root, 'downloads')), `f${index}.bin`));
      expect(readFileSync(done.path).equals(content)).toBe(true);
    }
    expect(readdirSync(join(allowed, 'real'))).toEqual(['f1.bin']);
    const patched = await server.api.patch('/api/settings', { download_dir: join(allowed, 'later') });
    expect([patched.status, (patched.json as Settings).download_dir]).toEqual([200, join(allowed, 'later')]);
  });

  it('refuses to save into a configured download folder outside the list', async () => {
    await start({ download_dir: '/' });
    const response = await server.api.post('/api/downloads/start', { url: origin.url('/f.bin') });
    expect([response.status, (response.json as { error: { message: string } }).error.message]).toEqual([
      403,
      `The download folder "/" is outside the allowed folders (symlinks followed)${REFUSAL_TAIL}`,
    ]);
    expect((await server.api.get('/api/downloads')).json).toEqual({ downloads: [] });
  });
});
