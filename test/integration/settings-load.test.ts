import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src-main/contract/settings.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { DownloadManager } from '../../src-main/engine/download-manager.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { tempDir } from '../support/engine-harness.js';

/** Settings as a downgraded or hand-edited database may hold them, read by a fresh engine. */
describe('stored settings at start-up', () => {
  let root: string;
  let store: SqliteStore;
  let warn: MockInstance<typeof console.warn>;
  const open: DownloadManager[] = [];

  beforeEach(() => {
    root = tempDir();
    store = SqliteStore.open(join(root, 'steadfast.db'));
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    for (const manager of open.splice(0)) await manager.shutdown();
    warn.mockRestore();
    store.close();
    rmSync(root, { recursive: true, force: true });
  });

  const engine = () => {
    const manager = new DownloadManager({ store, defaultDownloadDir: join(root, 'downloads'), createSource: createSourceFactory({ secrets: new MemorySecretStore() }) });
    open.push(manager);
    return manager;
  };
  const warnings = () => warn.mock.calls.map((call) => call.map(String).join(' '));

  it('a key this version does not know costs only itself: the others load, one warning names it', async () => {
    store.writeSettings({ max_attempts: 7, connections: 4, proxy_url: 'http://user:hunter2@proxy.example' });
    const settings = await engine().getSettings();
    expect(settings.max_attempts).toBe(7);
    expect(settings.connections).toBe(4);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain('proxy_url');
    expect(warnings()[0]).not.toContain('hunter2');
    // A newer version may own the key: it stays in the database as it was.
    expect(store.readSettings()).toEqual({ max_attempts: 7, connections: 4, proxy_url: 'http://user:hunter2@proxy.example' });
  });

  it('a value out of range or of the wrong shape falls back to its default alone, and the warning says why without the value', async () => {
    store.writeSettings({
      max_attempts: 7,
      connections: 99,
      s3_access_key_id: 'not-a-key!s3cr3t',
      backoff: 'fixed',
      catalog: { bucket: 'b' },
    });
    const settings = await engine().getSettings();
    expect(settings).toMatchObject({ max_attempts: 7, backoff: 'fixed', connections: DEFAULT_SETTINGS.connections, s3_access_key_id: null, catalog: null });
    const lines = warnings();
    expect(lines).toHaveLength(3);
    expect(lines.find((line) => line.includes('"connections"'))).toMatch(/16/);
    expect(lines.find((line) => line.includes('"s3_access_key_id"'))).toContain('letters and digits');
    expect(lines.some((line) => line.includes('"catalog"'))).toBe(true);
    expect(lines.join('\n')).not.toContain('s3cr3t');
    expect(store.readSettings()).toMatchObject({ connections: 99, s3_access_key_id: 'not-a-key!s3cr3t' });
  });

  it('saving other settings keeps the keys it could not read', async () => {
    store.writeSettings({ max_attempts: 7, proxy_url: 'http://proxy.example' });
    const manager = engine();
    await manager.updateSettings({ max_concurrent: 2 });
    expect(store.readSettings()).toEqual({ max_attempts: 7, max_concurrent: 2, proxy_url: 'http://proxy.example' });
    expect(warnings()).toHaveLength(1);
  });

  it('good settings load with no warning at all', async () => {
    store.writeSettings({ max_attempts: 7, connections: 4, speed_limit: null, download_dir: join(root, 'elsewhere') });
    const settings = await engine().getSettings();
    expect(settings).toMatchObject({ max_attempts: 7, connections: 4, speed_limit: null, download_dir: join(root, 'elsewhere') });
    expect(warnings()).toEqual([]);
  });
});
