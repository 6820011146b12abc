import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLOAD_STATUSES, type DownloadStatus } from '../../src-main/contract/downloads.js';
import { DOWNLOAD_ACTIONS, type DownloadAction, ruleFor } from '../../src-main/contract/transitions.js';
import type { ByteSource } from '../../src-main/engine/byte-source.js';
import type { DownloadManager } from '../../src-main/engine/download-manager.js';
import { type DownloadRecord, newDownloadRecord } from '../../src-main/engine/download-store.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { type EngineHarness, startEngine, tempDir } from '../support/engine-harness.js';

/** A source that never answers: a download using it stays `downloading` until it is stopped. */
const silentSource = (): ByteSource => ({
  displayHost: 'silent.invalid',
  open: ({ signal }) =>
    new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
});

const idOf = (status: DownloadStatus, action: DownloadAction) => `${status}-${action}`;

/** A download as the engine leaves it in each status at rest (the engine is not scheduling it). */
function seeded(status: DownloadStatus, action: DownloadAction, dir: string): DownloadRecord {
  const id = idOf(status, action);
  const failedOnce = status === 'retrying' || status === 'failed';
  return {
    ...newDownloadRecord({
      id,
      source: { kind: 'http', url: `http://silent.invalid/${id}.bin` },
      filename: `${id}.bin`,
      filenameFromUser: false,
      destDir: dir,
      maxAttempts: 5,
      sha256: null,
      speedLimit: null,
      now: 1,
    }),
    // A downloading one is queued for the engine to start.
    status: status === 'downloading' ? 'queued' : status,
    total_bytes: status === 'completed' ? 10 : null,
    downloaded_bytes: status === 'completed' ? 10 : 0,
    failed_count: failedOnce ? 1 : 0,
    next_retry_at: status === 'retrying' ? Date.now() + 3_600_000 : null,
    error_code: failedOnce ? 'HTTP_503' : null,
    error_message: failedOnce ? 'The server answered 503' : null,
    completed_at: status === 'completed' ? 1 : null,
  };
}

function act(manager: DownloadManager, action: DownloadAction, id: string): Promise<unknown> {
  switch (action) {
    case 'pause':
      return manager.pause(id);
    case 'resume':
      return manager.resume(id);
    case 'cancel':
      return manager.cancel(id);
    case 'restart':
      return manager.restart(id);
    case 'changeSource':
      return manager.changeSource(id, 'http://other.invalid/new.bin');
    case 'setSpeedLimit':
      return manager.setSpeedLimit(id, 4096);
    case 'remove':
      return manager.remove(id);
  }
}

describe('the engine enforces the transition table', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    const root = tempDir();
    const seeding = SqliteStore.open(`${root}/steadfast.db`);
    for (const status of DOWNLOAD_STATUSES) {
      for (const action of DOWNLOAD_ACTIONS) seeding.insertDownload(seeded(status, action, `${root}/downloads`));
    }
    seeding.close();
    engine = startEngine({
      root,
      start: false,
      createSource: silentSource,
      // Every "downloading" one runs at once, and none stalls while the test looks at it.
      settings: { max_concurrent: 20, stall_timeout_seconds: 3600 },
    });
    // Only the downloading ones are scheduled; the rest stay as seeded.
    engine.manager.start({ only: DOWNLOAD_ACTIONS.map((action) => idOf('downloading', action)) });
    for (const action of DOWNLOAD_ACTIONS) await engine.waitForStatus(idOf('downloading', action), 'downloading');
  });

  afterAll(async () => {
    await engine?.close();
  });

  const row = (id: string) => engine.store.listDownloads().find((r) => r.id === id);

  for (const status of DOWNLOAD_STATUSES) {
    it(`${status}: accepts, ignores and refuses exactly what the table says`, async () => {
      expect((await engine.manager.get(idOf(status, 'pause'))).status).toBe(status);
      for (const action of DOWNLOAD_ACTIONS) {
        const id = idOf(status, action);
        const before = row(id);
        const rule = ruleFor(status, action);
        const outcome = act(engine.manager, action, id);
        if (rule === 'refuse') {
          await expect(outcome, `${action} on ${status}`).rejects.toMatchObject({ code: 'INVALID_STATE' });
          expect(row(id), `${action} on ${status} changed nothing`).toEqual(before);
        } else if (rule === 'no-op') {
          await expect(outcome, `${action} on ${status}`).resolves.toMatchObject({ id, status });
          expect(row(id), `${action} on ${status} changed nothing`).toEqual(before);
        } else {
          await outcome;
          expect(row(id), `${action} on ${status} changed the download`).not.toEqual(before);
        }
      }
    });
  }
});
