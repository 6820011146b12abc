import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import { parseInput, settingsPatchSchema } from '../../src-main/contract/schemas.js';
import { DownloadManager } from '../../src-main/engine/download-manager.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { tempDir } from '../support/engine-harness.js';

/** The window's language is an engine setting, so the desktop app and every browser on `serve` remember it. */
describe('the language setting', () => {
  let root: string;
  const open: DownloadManager[] = [];

  beforeEach(() => {
    root = tempDir();
  });

  afterEach(async () => {
    for (const manager of open.splice(0)) await manager.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  const engine = (store: SqliteStore) => {
    const manager = new DownloadManager({ store, defaultDownloadDir: join(root, 'downloads'), createSource: createSourceFactory({ secrets: new MemorySecretStore() }) });
    open.push(manager);
    return manager;
  };

  it('follows the system until chosen, and a chosen language survives a restart in the SQLite file', async () => {
    const file = join(root, 'steadfast.db');
    const store = SqliteStore.open(file);
    const first = engine(store);
    expect((await first.getSettings()).language).toBe('system');
    expect((await first.updateSettings(parseInput(settingsPatchSchema, { language: 'zh-CN' }))).language).toBe('zh-CN');
    await open.pop()!.shutdown();
    store.close();

    const reopened = SqliteStore.open(file);
    try {
      expect((await engine(reopened).getSettings()).language).toBe('zh-CN');
      expect(reopened.readSettings()).toEqual({ language: 'zh-CN' });
    } finally {
      await open.pop()!.shutdown();
      reopened.close();
    }
  });

  it('takes only the languages the window has a catalog for, and the refusal names the field', () => {
    for (const language of ['fr', 'zh-TW', 'EN', '', null]) {
      expect(() => parseInput(settingsPatchSchema, { language })).toThrow(ApiRequestError);
      expect(() => parseInput(settingsPatchSchema, { language })).toThrow(/^language: /);
    }
  });
});
