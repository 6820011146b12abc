import { join, resolve } from 'node:path';
import type { Settings } from '../contract/settings.js';
import { DownloadManager } from '../engine/download-manager.js';
import { createSourceFactory } from '../sources/source-factory.js';
import { lockDataFolder } from '../store/data-folder-lock.js';
import { FileSecretStore } from '../store/file-secret-store.js';
import { preparePrivateDataDir } from '../store/private-files.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { defaultDataDir, defaultDownloadDir } from './default-paths.js';

export interface LocalEngine {
  dataDir: string;
  store: SqliteStore;
  manager: DownloadManager;
  /** Closes the database and gives the data folder up; the manager must be shut down first. */
  close(): void;
}

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/** The engine of a plain-Node process (CLI, headless server) on its data folder. */
export function openLocalEngine(
  role: 'steadfast serve' | 'steadfast get',
  dataDir: string | null,
  settingsOverride: Partial<Settings>,
  options: { changeIntervalMs?: number } = {},
): LocalEngine {
  const dir = resolve(dataDir ?? defaultDataDir());
  for (const { path, from, to } of preparePrivateDataDir(dir)) {
    process.stderr.write(`steadfast: ${path} was open to other users (mode ${octal(from)}); it is now ${octal(to)}\n`);
  }
  // Before the database is opened: a second engine would work on the same downloads and files.
  const lock = lockDataFolder(dir, role);
  let store: SqliteStore;
  try {
    store = SqliteStore.open(join(dir, 'steadfast.db'));
  } catch (error) {
    lock.release();
    throw error;
  }
  const secrets = new FileSecretStore(dir);
  const manager = new DownloadManager({
    store,
    secrets,
    createSource: createSourceFactory({ secrets }),
    defaultDownloadDir: defaultDownloadDir(),
    settingsOverride,
    ...options,
  });
  const close = () => {
    store.close();
    lock.release();
  };
  return { dataDir: dir, store, manager, close };
}
