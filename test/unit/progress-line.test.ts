import { describe, it, expect } from 'vitest';
import { outcomeLine, progressLine, summaryLine } from '../../src-main/cli/progress-line.js';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { formatBytes, formatDuration, formatSeconds } from '../../src-main/contract/format.js';
import { snapshotWith } from '../support/snapshot-fixtures.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const NOW = Date.parse('2030-01-01T00:00:00.000Z');

function snapshot(overrides: Partial<DownloadSnapshot> = {}): DownloadSnapshot {
  return snapshotWith({
    id: 'd1',
    source: { kind: 'http', url: 'https://example.com/movie.mp4' },
    filename: 'movie.mp4',
    path: '/home/u/Downloads/movie.mp4.partial',
    status: 'downloading',
    progress: 63,
    downloaded_bytes: String(650 * MiB),
    total_bytes: String(GiB),
    speed: 2.5 * MiB,
    eta_seconds: 150,
    failed_count: 1,
    connections: 1,
    retry_info: { current_attempt: 2, max_attempts: 5, next_retry_at: null, next_retry_in: null },
    created_at: '2029-12-31T23:59:00.000Z',
    updated_at: '2029-12-31T23:59:59.000Z',
    ...overrides,
  });
}

describe('progressLine', () => {
  it('shows progress, bytes, speed, ETA and the attempt while downloading', () => {
    expect(progressLine(snapshot(), NOW)).toBe(
      'movie.mp4  63%  650 MB of 1 GB  2.5 MB/s  ETA 2 min 30 s  attempt 2 of 5',
    );
  });

  it('leaves the ETA out when it is unknown', () => {
    expect(progressLine(snapshot({ eta_seconds: null, speed: 0 }), NOW)).toBe(
      'movie.mp4  63%  650 MB of 1 GB  0 B/s  attempt 2 of 5',
    );
  });

  it('shows --% and bytes alone when the size is unknown', () => {
    expect(
      progressLine(
        snapshot({
          progress: null,
          total_bytes: null,
          downloaded_bytes: String(12 * MiB),
          speed: 512 * 1024,
          eta_seconds: null,
          retry_info: { current_attempt: 1, max_attempts: 5, next_retry_at: null, next_retry_in: null },
        }),
        NOW,
      ),
    ).toBe('movie.mp4  --%  12 MB  512 KB/s  attempt 1 of 5');
  });

  it('counts down to the next attempt while retrying, with the last error', () => {
    const retrying = snapshot({
      status: 'retrying',
      progress: 58,
      downloaded_bytes: String(600 * MiB),
      speed: 0,
      eta_seconds: null,
      error_message: 'Network timeout talking to example.com',
      retry_info: { current_attempt: 2, max_attempts: 5, next_retry_at: '2030-01-01T00:00:04.000Z', next_retry_in: 4 },
    });
    expect(progressLine(retrying, NOW)).toBe(
      'movie.mp4  58%  600 MB of 1 GB  attempt 2 of 5  Network timeout talking to example.com; retrying in 4 s',
    );
    expect(progressLine(retrying, NOW + 800)).toBe(
      'movie.mp4  58%  600 MB of 1 GB  attempt 2 of 5  Network timeout talking to example.com; retrying in 4 s',
    );
    expect(progressLine(retrying, NOW + 1000)).toMatch(/; retrying in 3 s$/);
    expect(progressLine(retrying, NOW + 3999)).toMatch(/; retrying in 1 s$/);
    expect(progressLine(retrying, NOW + 9000)).toMatch(/; retrying in 0 s$/);
  });

  it('says "failed" when a retrying download has no message', () => {
    const retrying = snapshot({
      status: 'retrying',
      retry_info: { current_attempt: 3, max_attempts: 5, next_retry_at: '2030-01-01T00:00:08.000Z', next_retry_in: 8 },
    });
    expect(progressLine(retrying, NOW)).toBe('movie.mp4  63%  650 MB of 1 GB  attempt 3 of 5  failed; retrying in 8 s');
  });

  it('ends with the status in the other states', () => {
    expect(progressLine(snapshot({ status: 'paused' }), NOW)).toBe('movie.mp4  63%  650 MB of 1 GB  attempt 2 of 5  paused');
    const queued = snapshot({
      status: 'queued',
      progress: 0,
      downloaded_bytes: '0',
      failed_count: 0,
      retry_info: { current_attempt: 1, max_attempts: 5, next_retry_at: null, next_retry_in: null },
    });
    expect(progressLine(queued, NOW)).toBe('movie.mp4  0%  0 B of 1 GB  attempt 1 of 5  queued');
    expect(
      progressLine(
        snapshot({
          status: 'failed',
          error_message: 'Max retries exceeded: Network timeout',
          retry_info: { current_attempt: 5, max_attempts: 5, next_retry_at: null, next_retry_in: null },
        }),
        NOW,
      ),
    ).toBe('movie.mp4  63%  650 MB of 1 GB  attempt 5 of 5  failed');
    expect(progressLine(snapshot({ status: 'retrying' }), NOW)).toBe(
      'movie.mp4  63%  650 MB of 1 GB  attempt 2 of 5  retrying',
    );
  });
});

describe('outcomeLine', () => {
  const done = (failed_count: number) =>
    snapshot({
      status: 'completed',
      progress: 100,
      path: '/home/u/Downloads/movie.mp4',
      downloaded_bytes: String(GiB),
      failed_count,
    });

  it('reports a completed download with its path, size and failed attempts', () => {
    expect(outcomeLine(done(0))).toBe('Saved /home/u/Downloads/movie.mp4 (1 GB)');
    expect(outcomeLine(done(1))).toBe('Saved /home/u/Downloads/movie.mp4 (1 GB) after 1 failed attempt');
    expect(outcomeLine(done(3))).toBe('Saved /home/u/Downloads/movie.mp4 (1 GB) after 3 failed attempts');
  });

  it('tells how to resume a paused download', () => {
    expect(outcomeLine(snapshot({ status: 'paused', downloaded_bytes: String(600 * MiB) }))).toBe(
      'Paused at 600 MB. Run the same command again to resume.',
    );
  });

  it('gives the error of a failed or cancelled download', () => {
    expect(outcomeLine(snapshot({ status: 'failed', error_message: 'Max retries exceeded: Network timeout' }))).toBe(
      'Download failed: Max retries exceeded: Network timeout',
    );
    expect(outcomeLine(snapshot({ status: 'cancelled', error_message: null }))).toBe(
      'Download cancelled: no error recorded',
    );
  });
  it('names the download when it is one of several and its path does not', () => {
    expect(outcomeLine(snapshot({ status: 'failed', error_message: 'File not found' }), true)).toBe(
      'https://example.com/movie.mp4: Download failed: File not found',
    );
    expect(outcomeLine(done(0), true)).toBe('Saved /home/u/Downloads/movie.mp4 (1 GB)');
  });
});

describe('summaryLine', () => {
  const of = (id: string, filename: string, overrides: Partial<DownloadSnapshot>) => snapshot({ id, filename, ...overrides });

  it('counts what ended, adds up the speed and names the running download nearest its end', () => {
    const line = summaryLine([
      of('a', 'a.iso', { status: 'completed', progress: 100, speed: 0 }),
      of('b', 'b.iso', { status: 'failed', speed: 0 }),
      of('c', 'c.iso', { status: 'downloading', progress: 45, speed: 2 * MiB }),
      of('d', 'd.iso', { status: 'downloading', progress: 12, speed: MiB }),
      of('e', 'e.iso', { status: 'queued', progress: 0, speed: 0 }),
    ]);
    expect(line).toBe('1 of 5 done · 1 failed · 3 MB/s · next: c.iso 45%');
  });

  it('shows retries and pauses, and no speed while nothing runs', () => {
    expect(
      summaryLine([
        of('a', 'a.iso', { status: 'retrying' }),
        of('b', 'b.iso', { status: 'paused' }),
        of('c', 'c.iso', { status: 'cancelled' }),
      ]),
    ).toBe('0 of 3 done · 1 failed · 1 retrying · 1 paused');
    expect(summaryLine([of('a', 'a.bin', { status: 'downloading', progress: null, speed: 1024 })])).toBe('0 of 1 done · 1 KB/s · next: a.bin --%');
  });
});

describe('formatBytes', () => {
  it('uses binary multiples with the short names browsers show', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1)).toBe('1 B');
    expect(formatBytes(1023)).toBe('1023 B');
    // Rounding decides the unit: never "1024 KB".
    expect(formatBytes(1048575)).toBe('1 MB');
    expect(formatBytes(1024 ** 3 - 1)).toBe('1 GB');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(10 * 1024)).toBe('10 KB');
    expect(formatBytes(650 * MiB)).toBe('650 MB');
    expect(formatBytes(681_574_400)).toBe('650 MB');
    expect(formatBytes(GiB)).toBe('1 GB');
    expect(formatBytes(1024 ** 4)).toBe('1 TB');
    expect(formatBytes(1024 ** 5)).toBe('1 PB');
    expect(formatBytes(3 * 1024 ** 6)).toBe('3072 PB');
  });

  it('shows two decimals under 10, one under 100, none from 100', () => {
    expect(formatBytes(5_000_000_000)).toBe('4.66 GB');
    expect(formatBytes(1.234 * MiB)).toBe('1.23 MB');
    expect(formatBytes(12.34 * MiB)).toBe('12.3 MB');
    expect(formatBytes(123.4 * MiB)).toBe('123 MB');
    expect(formatBytes(2.5 * MiB)).toBe('2.5 MB');
    expect(formatBytes(1.999 * 1024)).toBe('2 KB');
  });
});

describe('formatSeconds', () => {
  it('matches the API’s wording for next_retry_in', () => {
    expect(formatSeconds(1)).toBe('1 second');
    expect(formatSeconds(4)).toBe('4 seconds');
    expect(formatSeconds(0)).toBe('0 seconds');
    expect(formatSeconds(16)).toBe('16 seconds');
  });
});

describe('formatDuration', () => {
  it('is compact: seconds, minutes and seconds, hours and minutes', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(59.6)).toBe('1 min 0 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3599)).toBe('59 min 59 s');
    expect(formatDuration(3600)).toBe('1 h 0 min');
    expect(formatDuration(7500)).toBe('2 h 5 min');
    expect(formatDuration(-5)).toBe('0 s');
  });
});
