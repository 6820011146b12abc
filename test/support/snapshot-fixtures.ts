import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { newDownloadRecord } from '../../src-main/engine/download-store.js';
import { toSnapshot } from '../../src-main/engine/snapshot.js';

/**
 * A snapshot as the engine makes one (`toSnapshot` of a new download's record), with the fields
 * a test cares about laid over it: a field added to snapshots needs no edit here or in the tests.
 */
export function snapshotWith(overrides: Partial<DownloadSnapshot>): DownloadSnapshot {
  const record = newDownloadRecord({
    id: 'id-1',
    source: { kind: 'http', url: 'https://example.com/file' },
    filename: 'file',
    filenameFromUser: false,
    destDir: '/home/u/Downloads',
    maxAttempts: 5,
    sha256: null,
    speedLimit: null,
    now: Date.parse('2026-12-03T01:00:00.000Z'),
  });
  return { ...toSnapshot(record, null, record.created_at), ...overrides };
}
