/** Shared by the database safety tests (test/unit/database-safety-*.test.ts): real databases to damage, and the error a call throws. */
import fs from 'node:fs';
import { expect } from 'vitest';
import type { DownloadRecord } from '../../src-main/engine/download-store.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';

export function record(id: string): DownloadRecord {
  return {
    id,
    source: { kind: 'http', url: `https://example.com/files/${id}.bin?sig=${'s'.repeat(200)}` },
    filename: `${id}.bin`,
    filename_from_user: false,
    dest_dir: '/home/u/Downloads',
    status: 'completed',
    total_bytes: 1000,
    downloaded_bytes: 1000,
    failed_count: 0,
    max_attempts: 5,
    next_retry_at: null,
    error_code: null,
    error_message: `an error message long enough to fill pages ${'x'.repeat(300)}`,
    notice: null,
    notice_code: null,
    etag: '"abc"',
    last_modified: null,
    expected_sha256: null,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
    completed_at: 1_700_000_000_000,
    speed_limit: null,
    one_connection: false,
    partial_file: null,
    started_by_hand: false,
  };
}

/** A real Steadfast database of many pages (2,000 downloads), closed cleanly (WAL checkpointed). */
export function realDatabase(target: string, rows = 2000): Buffer {
  const store = SqliteStore.open(target);
  store.transaction(() => {
    for (let i = 0; i < rows; i += 1) store.insertDownload(record(`d${String(i).padStart(5, '0')}`));
  });
  store.close();
  for (const suffix of ['-wal', '-shm']) expect(fs.existsSync(target + suffix)).toBe(false);
  return fs.readFileSync(target);
}

export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
