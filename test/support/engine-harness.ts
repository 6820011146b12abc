import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DownloadsApi } from '../../src-main/contract/api.js';
import type { DownloadSnapshot, DownloadStatus } from '../../src-main/contract/downloads.js';
import type { Settings } from '../../src-main/contract/settings.js';
import type { Clock } from '../../src-main/engine/clock.js';
import { validatingApi } from '../../src-main/contract/validating-api.js';
import { DownloadManager, type SourceFactory } from '../../src-main/engine/download-manager.js';
import { MemorySecretStore, type SecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';

/** Test settings: the real schedule's shape with short delays, so tests stay fast and deterministic. */
export const FAST: Partial<Settings> = {
  initial_delay_seconds: 0.05,
  stall_timeout_seconds: 2,
  // One connection unless a test is about segments: request patterns stay exact.
  connections: 1,
};

export interface EngineHarness {
  root: string;
  downloads: string;
  dbPath: string;
  store: SqliteStore;
  manager: DownloadManager;
  /** The manager behind the API's edge, as every transport calls it: arguments are checked first. */
  api: DownloadsApi;
  waitFor(id: string, until: (s: DownloadSnapshot) => boolean, timeoutMs?: number): Promise<DownloadSnapshot>;
  waitForStatus(id: string, status: DownloadStatus, timeoutMs?: number): Promise<DownloadSnapshot>;
  /** Stops the engine and closes the store; `keepFiles` leaves the folder for a second engine. */
  close(options?: { keepFiles?: boolean }): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'steadfast-test-'));
}

/** A real engine on a real SQLite file in a fresh temporary folder. */
export function startEngine(
  options: {
    settings?: Partial<Settings>;
    createSource?: SourceFactory;
    secrets?: SecretStore;
    root?: string;
    start?: boolean;
    /** A clock the test moves (JumpClock), with the monotonic time that goes with it. */
    clock?: Clock & { monotonic?: () => number };
    wakeSettleMs?: number;
  } = {},
): EngineHarness {
  const root = options.root ?? tempDir();
  const downloads = join(root, 'downloads');
  const dbPath = join(root, 'steadfast.db');
  const store = SqliteStore.open(dbPath);
  const secrets = options.secrets ?? new MemorySecretStore();
  const manager = new DownloadManager({
    store,
    defaultDownloadDir: downloads,
    settingsOverride: { ...FAST, ...options.settings },
    createSource: options.createSource ?? createSourceFactory({ secrets }),
    secrets,
    clock: options.clock,
    monotonicNow: options.clock?.monotonic,
    wakeSettleMs: options.wakeSettleMs,
  });
  const waiters = new Set<() => void>();
  manager.onChanged(() => {
    for (const wake of waiters) wake();
  });

  const waitFor: EngineHarness['waitFor'] = (id, until, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const check = async () => {
        const current = await manager.get(id);
        if (until(current)) {
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(current);
        }
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        void manager.get(id).then((s) =>
          reject(new Error(`Timed out waiting for ${id}; it is ${s.status}: ${s.error_message ?? ''}`)),
        );
      }, timeoutMs);
      waiters.add(wake);
      void check();
    });

  if (options.start !== false) manager.start();
  return {
    root,
    downloads,
    dbPath,
    store,
    manager,
    api: validatingApi(manager),
    waitFor,
    waitForStatus: (id, status, timeoutMs) => waitFor(id, (s) => s.status === status, timeoutMs),
    async close({ keepFiles = false } = {}) {
      await manager.shutdown();
      store.close();
      if (!keepFiles) rmSync(root, { recursive: true, force: true });
    },
  };
}
