import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../../src-main/contract/categories.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

describe('sorting by category', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('puts each file in its category folder inside the download folder', async () => {
    const files = {
      '/movie.mkv': randomBytesSeeded(4096, 801),
      '/song.MP3': randomBytesSeeded(4096, 802),
      '/src.tar.gz': randomBytesSeeded(4096, 803),
      '/setup.exe': randomBytesSeeded(4096, 804),
      '/notes': randomBytesSeeded(4096, 805),
    };
    origin = await startFaultOrigin(Object.fromEntries(Object.entries(files).map(([path, content]) => [path, { content }])));
    engine = startEngine({ settings: { sort_by_category: true } });
    const expected: Record<string, string> = {
      '/movie.mkv': 'Video/movie.mkv',
      '/song.MP3': 'Music/song.MP3',
      '/src.tar.gz': 'Archives/src.tar.gz',
      '/setup.exe': 'Programs/setup.exe',
      '/notes': 'Other/notes',
    };
    for (const [path, content] of Object.entries(files)) {
      const { id } = await engine.manager.add({ url: origin.url(path) });
      const done = await engine.waitForStatus(id, 'completed');
      expect(done.path).toBe(join(engine.downloads, expected[path]!));
      expect(readFileSync(done.path).equals(content)).toBe(true);
    }
    expect(readdirSync(engine.downloads).sort()).toEqual(['Archives', 'Music', 'Other', 'Programs', 'Video']);
  });

  it("follows the server's name (Content-Disposition) into its category before a byte is written", async () => {
    const content = randomBytesSeeded(8192, 806);
    origin = await startFaultOrigin({ '/get': { content, contentDisposition: 'attachment; filename="film.mp4"' } });
    engine = startEngine({ settings: { sort_by_category: true } });
    const { id, path } = await engine.manager.add({ url: origin.url('/get') });
    expect(path).toBe(join(engine.downloads, 'Other', 'get.partial'));
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.path).toBe(join(engine.downloads, 'Video', 'film.mp4'));
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(readdirSync(join(engine.downloads, 'Other'))).toEqual([]);
  });

  it('uses the folder names and extensions set in the settings, and never sorts a folder the request names', async () => {
    const content = randomBytesSeeded(2048, 807);
    origin = await startFaultOrigin({ '/clip.xyz': { content } });
    engine = startEngine({ settings: { sort_by_category: true } });
    await engine.api.updateSettings({
      categories: DEFAULT_CATEGORIES.map((c) => (c.id === 'video' ? { ...c, folder: 'Filme', extensions: [...c.extensions, 'XYZ'] } : c)),
    });
    const sorted = await engine.waitForStatus((await engine.manager.add({ url: origin.url('/clip.xyz') })).id, 'completed');
    expect(sorted.path).toBe(join(engine.downloads, 'Filme', 'clip.xyz'));

    const mine = join(engine.root, 'mine');
    const chosen = await engine.waitForStatus((await engine.manager.add({ url: origin.url('/clip.xyz'), dest_dir: mine })).id, 'completed');
    expect(chosen.path).toBe(join(mine, 'clip.xyz'));
  });

  it('with sorting off, files go to the download folder itself', async () => {
    origin = await startFaultOrigin({ '/movie.mkv': { content: randomBytesSeeded(1024, 808) } });
    engine = startEngine();
    const done = await engine.waitForStatus((await engine.manager.add({ url: origin.url('/movie.mkv') })).id, 'completed');
    expect(done.path).toBe(join(engine.downloads, 'movie.mkv'));
  });

  it('refuses category folders that would leave the download folder', async () => {
    engine = startEngine({ settings: { sort_by_category: true } });
    for (const folder of ['..', '../out', 'a/b', 'a\\b', '.hidden', 'C:x', 'trailing.', '']) {
      const categories = DEFAULT_CATEGORIES.map((c) => (c.id === 'video' ? { ...c, folder } : c));
      await expect(engine.api.updateSettings({ categories })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    // A Windows device name passes the schema on every OS, but the file-name rules refuse it at add.
    await engine.api.updateSettings({ categories: DEFAULT_CATEGORIES.map((c) => (c.id === 'video' ? { ...c, folder: 'CON' } : c)) });
    await expect(engine.api.add({ url: 'http://127.0.0.1:9/movie.mkv' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(existsSync(join(engine.downloads, 'CON'))).toBe(false);
  });
});
