/** Shared by the store tests (test/unit/store-*.test.ts): a download record, and connections closed after each test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { type DownloadRecord, newDownloadRecord } from '../../src-main/engine/download-store.js';

export function record(overrides: Partial<DownloadRecord> = {}): DownloadRecord {
  return {
    ...newDownloadRecord({
      id: 'd1',
      source: { kind: 'http', url: 'https://example.com/files/movie.mp4?sig=abc' },
      filename: 'movie.mp4',
      filenameFromUser: false,
      destDir: '/home/u/Downloads',
      maxAttempts: 5,
      sha256: null,
      speedLimit: null,
      now: 1_700_000_000_000,
    }),
    ...overrides,
  };
}

const open: { close(): void }[] = [];
export const track = <T extends { close(): void }>(db: T): T => {
  open.push(db);
  return db;
};

/** Closes every tracked connection a test left open (call it from afterEach). */
export function closeTracked(): void {
  for (const db of open.splice(0)) {
    try {
      db.close();
    } catch {
      // already closed by the test
    }
  }
}

/**
 * A fresh folder for each test of the calling file, removed after it with every connection the
 * test left open. Returns the path of the database file the test may create there.
 */
export function databaseFilePerTest(): (name?: string) => string {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'steadfast-'));
  });
  afterEach(() => {
    closeTracked();
    rmSync(dir, { recursive: true, force: true });
  });
  return (name = 'steadfast.db') => join(dir, name);
}
