import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { toProgressReport } from '../../src-main/contract/progress-report.js';
import { describeSource } from '../../src-main/contract/downloads.js';
import type { DownloadRecord } from '../../src-main/engine/download-store.js';
import { toSnapshot } from '../../src-main/engine/snapshot.js';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const DEST = path.join(path.sep, 'home', 'u', 'Downloads');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function record(overrides: Partial<DownloadRecord> = {}): DownloadRecord {
  return {
    id: 'download_123',
    source: { kind: 'http', url: 'https://example.com/movie.mp4' },
    filename: 'movie.mp4',
    filename_from_user: false,
    dest_dir: DEST,
    status: 'downloading',
    total_bytes: GiB,
    downloaded_bytes: 0,
    failed_count: 0,
    max_attempts: 5,
    next_retry_at: null,
    error_code: null,
    error_message: null,
    notice: null,
    notice_code: null,
    etag: '"v1"',
    last_modified: null,
    expected_sha256: null,
    created_at: NOW - 60_000,
    updated_at: NOW - 1000,
    completed_at: null,
    speed_limit: null,
    one_connection: false,
    partial_file: null,
    started_by_hand: false,
    ...overrides,
  };
}

describe('toSnapshot', () => {
  it('maps every field of a running download', () => {
    const snapshot = toSnapshot(record({ downloaded_bytes: 650 * MiB }), { bytes: 650 * MiB + 10, speed: 2 * MiB, connections: 4, connectionRetries: 0 }, NOW);
    expect(snapshot).toEqual({
      id: 'download_123',
      source: { kind: 'http', url: 'https://example.com/movie.mp4' },
      filename: 'movie.mp4',
      dest_dir: DEST,
      path: path.join(DEST, 'movie.mp4.partial'),
      status: 'downloading',
      progress: 63,
      downloaded_bytes: String(650 * MiB + 10),
      total_bytes: '1073741824',
      speed: 2 * MiB,
      eta_seconds: 187, // ceil((1024 MiB − 650 MiB − 10) / 2 MiB/s) = ceil(186.99…)
      failed_count: 0,
      error_code: null,
      error_message: null,
      notice: null,
      notice_code: null,
      expected_sha256: null,
      speed_limit: null,
      waiting_for_network: false,
      waiting_for_schedule: false,
      connection_retries: 0,
      connection_limit: null,
      request_headers: [],
      connections: 4,
      retry_info: { current_attempt: 1, max_attempts: 5, next_retry_at: null, next_retry_in: null },
      created_at: '2029-12-31T23:59:00.000Z',
      updated_at: '2029-12-31T23:59:59.000Z',
      completed_at: null,
    });
  });

  it('names the request headers set, never their values, and shows a URL without credentials', () => {
    const snapshot = toSnapshot(
      record({ source: { kind: 'http', url: 'http://bob:hunter2@files.example:8080/a%20b.bin?x=1' } }),
      null,
      NOW,
      { requestHeaders: ['Cookie', 'Referer'] },
    );
    expect(snapshot.request_headers).toEqual(['Cookie', 'Referer']);
    // A row saved before sign-ins became headers may still hold them: they are not shown.
    expect(snapshot.source).toEqual({ kind: 'http', url: 'http://files.example:8080/a%20b.bin?x=1' });
    expect(JSON.stringify(snapshot)).not.toContain('hunter2');
    expect(describeSource({ kind: 'http', url: 'https://bob:hunter2@files.example/f' })).toBe('https://files.example/f');
    expect(describeSource({ kind: 'http', url: 'https://files.example/f' })).toBe('https://files.example/f');
  });

  it('floors progress to whole percent', () => {
    expect(toSnapshot(record({ total_bytes: 1000, downloaded_bytes: 999 }), null, NOW).progress).toBe(99);
    expect(toSnapshot(record({ total_bytes: 3, downloaded_bytes: 2 }), null, NOW).progress).toBe(66);
    expect(toSnapshot(record({ total_bytes: 1000, downloaded_bytes: 9 }), null, NOW).progress).toBe(0);
    expect(toSnapshot(record({ total_bytes: 1000, downloaded_bytes: 1000 }), null, NOW).progress).toBe(100);
    expect(toSnapshot(record({ total_bytes: 681_574_400 * 2, downloaded_bytes: 681_574_400 }), null, NOW).progress).toBe(50);
  });

  it('uses the live byte count over the durable one', () => {
    const snapshot = toSnapshot(record({ total_bytes: 1000, downloaded_bytes: 100 }), { bytes: 655, speed: 0, connections: 1, connectionRetries: 0 }, NOW);
    expect(snapshot.progress).toBe(65);
    expect(snapshot.downloaded_bytes).toBe('655');
  });

  it('gives null progress and total while the size is unknown', () => {
    const snapshot = toSnapshot(record({ total_bytes: null, downloaded_bytes: 12_345 }), { bytes: 12_345, speed: 1000, connections: 1, connectionRetries: 0 }, NOW);
    expect(snapshot.progress).toBeNull();
    expect(snapshot.total_bytes).toBeNull();
    expect(snapshot.downloaded_bytes).toBe('12345');
    expect(snapshot.eta_seconds).toBeNull();
  });

  it('a zero-byte file is 100 %', () => {
    expect(toSnapshot(record({ total_bytes: 0 }), null, NOW).progress).toBe(100);
  });

  it('a completed download is 100 % at its final path, even with an unknown size', () => {
    const completed = toSnapshot(
      record({ status: 'completed', total_bytes: null, downloaded_bytes: 777, completed_at: NOW - 500 }),
      null,
      NOW,
    );
    expect(completed.progress).toBe(100);
    expect(completed.path).toBe(path.join(DEST, 'movie.mp4'));
    expect(completed.path.endsWith('.partial')).toBe(false);
    expect(completed.completed_at).toBe('2029-12-31T23:59:59.500Z');

    const known = toSnapshot(record({ status: 'completed', downloaded_bytes: GiB, completed_at: NOW }), null, NOW);
    expect(known.progress).toBe(100);
    expect(known.path).toBe(path.join(DEST, 'movie.mp4'));
  });

  it('unfinished downloads point at the .partial in every other state', () => {
    for (const status of ['queued', 'downloading', 'retrying', 'paused', 'failed', 'cancelled'] as const) {
      expect(toSnapshot(record({ status }), null, NOW).path).toBe(path.join(DEST, 'movie.mp4.partial'));
    }
  });

  it('carries byte counts as decimal strings, 64-bit sizes included', () => {
    const snapshot = toSnapshot(record({ total_bytes: 5_000_000_000, downloaded_bytes: 4_294_967_297 }), null, NOW);
    expect(snapshot.total_bytes).toBe('5000000000');
    expect(snapshot.downloaded_bytes).toBe('4294967297');
    expect(snapshot.progress).toBe(85);
    expect(JSON.parse(JSON.stringify(snapshot)).total_bytes).toBe('5000000000');
  });

  it('current_attempt is failed_count + 1, capped at max_attempts', () => {
    const attempt = (failed_count: number, max_attempts = 5) =>
      toSnapshot(record({ failed_count, max_attempts }), null, NOW).retry_info;
    expect(attempt(0).current_attempt).toBe(1);
    expect(attempt(1).current_attempt).toBe(2);
    expect(attempt(4).current_attempt).toBe(5);
    expect(attempt(5).current_attempt).toBe(5);
    expect(attempt(9).current_attempt).toBe(5);
    expect(attempt(2, 3)).toEqual({ current_attempt: 3, max_attempts: 3, next_retry_at: null, next_retry_in: null });
    expect(attempt(0, 1).current_attempt).toBe(1);
  });

  it('a failed download reports the attempt that failed last, not a next one', () => {
    const failed = (failed_count: number) => toSnapshot(record({ status: 'failed', failed_count }), null, NOW).retry_info.current_attempt;
    expect(failed(1)).toBe(1);
    expect(failed(3)).toBe(3);
    expect(failed(5)).toBe(5);
    expect(failed(0)).toBe(1);
  });

  it('next_retry_in counts whole seconds rounded up while retrying', () => {
    const retryIn = (ms: number) =>
      toSnapshot(record({ status: 'retrying', failed_count: 1, next_retry_at: NOW + ms }), null, NOW).retry_info;
    expect(retryIn(4000)).toEqual({
      current_attempt: 2,
      max_attempts: 5,
      next_retry_at: '2030-01-01T00:00:04.000Z',
      next_retry_in: 4,
    });
    expect(retryIn(3001).next_retry_in).toBe(4);
    expect(retryIn(3000).next_retry_in).toBe(3);
    expect(retryIn(1).next_retry_in).toBe(1);
    expect(retryIn(0).next_retry_in).toBe(0);
    expect(retryIn(-2500).next_retry_in).toBe(0);
    expect(retryIn(-2500).next_retry_at).toBe('2029-12-31T23:59:57.500Z');
  });

  it('next_retry_at and next_retry_in are null outside retrying', () => {
    for (const status of ['queued', 'downloading', 'paused', 'failed', 'cancelled', 'completed'] as const) {
      const info = toSnapshot(record({ status, next_retry_at: NOW + 4000 }), null, NOW).retry_info;
      expect(info.next_retry_at).toBeNull();
      expect(info.next_retry_in).toBeNull();
    }
    const noTime = toSnapshot(record({ status: 'retrying', next_retry_at: null }), null, NOW).retry_info;
    expect(noTime.next_retry_at).toBeNull();
    expect(noTime.next_retry_in).toBeNull();
  });

  it('ETA is the remaining bytes over the speed, rounded up, and needs both', () => {
    expect(toSnapshot(record({ total_bytes: 10_000 }), { bytes: 2500, speed: 1000, connections: 1, connectionRetries: 0 }, NOW).eta_seconds).toBe(8);
    expect(toSnapshot(record({ total_bytes: 10_000 }), { bytes: 2000, speed: 1000, connections: 1, connectionRetries: 0 }, NOW).eta_seconds).toBe(8);
    expect(toSnapshot(record({ total_bytes: 10_000 }), { bytes: 10_000, speed: 1000, connections: 1, connectionRetries: 0 }, NOW).eta_seconds).toBe(0);
    expect(toSnapshot(record({ total_bytes: 10_000 }), { bytes: 2000, speed: 0, connections: 1, connectionRetries: 0 }, NOW).eta_seconds).toBeNull();
    expect(toSnapshot(record({ total_bytes: 10_000, downloaded_bytes: 2000 }), null, NOW).eta_seconds).toBeNull();
    expect(toSnapshot(record({ total_bytes: 10_000, downloaded_bytes: 2000 }), null, NOW).speed).toBe(0);
  });

  it('passes errors, notices and the checksum through', () => {
    const snapshot = toSnapshot(
      record({
        status: 'failed',
        failed_count: 5,
        error_code: 'CONNECTION_TIMEOUT',
        error_message: 'Max retries exceeded: Network timeout talking to example.com',
        notice: 'The server does not support resuming; downloading again from the start.',
        notice_code: 'RESTART_RANGES_IGNORED',
        expected_sha256: 'ab'.repeat(32),
      }),
      null,
      NOW,
    );
    expect(snapshot.error_code).toBe('CONNECTION_TIMEOUT');
    expect(snapshot.error_message).toBe('Max retries exceeded: Network timeout talking to example.com');
    expect(snapshot.notice).toBe('The server does not support resuming; downloading again from the start.');
    expect(snapshot.notice_code).toBe('RESTART_RANGES_IGNORED');
    expect(snapshot.expected_sha256).toBe('ab'.repeat(32));
    expect(snapshot.retry_info.current_attempt).toBe(5);
  });
});

describe('toProgressReport (the REST progress response, ARCHITECTURE.md §7)', () => {
  it('has the spec’s exact shape with next_retry_in in words', () => {
    const snapshot = toSnapshot(
      record({
        status: 'retrying',
        total_bytes: 1_048_576_000,
        downloaded_bytes: 681_574_400,
        failed_count: 1,
        error_message: 'Network timeout',
        next_retry_at: NOW + 3200,
      }),
      null,
      NOW,
    );
    expect(toProgressReport(snapshot)).toEqual({
      id: 'download_123',
      status: 'retrying',
      progress: 65,
      downloaded_bytes: '681574400',
      failed_count: 1,
      error_message: 'Network timeout',
      retry_info: { current_attempt: 2, max_attempts: 5, next_retry_in: '4 seconds' },
    });
  });

  it('says "1 second" and null as appropriate', () => {
    const oneSecond = toSnapshot(record({ status: 'retrying', next_retry_at: NOW + 800 }), null, NOW);
    expect(toProgressReport(oneSecond).retry_info.next_retry_in).toBe('1 second');
    const running = toSnapshot(record({ status: 'downloading' }), null, NOW);
    expect(toProgressReport(running).retry_info.next_retry_in).toBeNull();
  });
});
