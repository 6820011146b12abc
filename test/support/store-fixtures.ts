/** Shared by the store tests (test/unit/store-*.test.ts): a download record, and connections closed after each test. */
import type { DownloadRecord } from '../../src-main/engine/download-store.js';

export function record(overrides: Partial<DownloadRecord> = {}): DownloadRecord {
  return {
    id: 'd1',
    source: { kind: 'http', url: 'https://example.com/files/movie.mp4?sig=abc' },
    filename: 'movie.mp4',
    filename_from_user: false,
    dest_dir: '/home/u/Downloads',
    status: 'queued',
    total_bytes: null,
    downloaded_bytes: 0,
    failed_count: 0,
    max_attempts: 5,
    next_retry_at: null,
    error_code: null,
    error_message: null,
    notice: null,
    etag: null,
    last_modified: null,
    expected_sha256: null,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
    completed_at: null,
    speed_limit: null,
    one_connection: false,
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
