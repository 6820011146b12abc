import { describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { exportList } from '../../src-main/contract/list-export.js';
import { snapshotWith } from '../support/snapshot-fixtures.js';

const snapshot = (overrides: Partial<DownloadSnapshot>): DownloadSnapshot =>
  snapshotWith({
    source: { kind: 'http', url: 'https://example.com/a.iso' },
    filename: 'a.iso',
    path: '/home/u/Downloads/a.iso',
    status: 'completed',
    progress: 100,
    downloaded_bytes: '1048576',
    total_bytes: '1048576',
    failed_count: 1,
    retry_info: { current_attempt: 2, max_attempts: 5, next_retry_at: null, next_retry_in: null },
    updated_at: '2026-12-03T01:05:00.000Z',
    completed_at: '2026-12-03T01:05:00.000Z',
    ...overrides,
  });

const LIST = [
  snapshot({}),
  // A row saved before sign-ins became headers may still hold them in its URL.
  snapshot({ id: 'id-2', source: { kind: 'http', url: 'https://bob:s3cret@example.com/b.bin?sig=1' }, filename: 'b.bin', request_headers: ['Cookie'] }),
  snapshot({ id: 'id-3', source: { kind: 's3', bucket: 'media', key: 'v/720p.mp4', region: 'eu-west-1' }, filename: '720p.mp4', status: 'failed', error_code: 'NOT_FOUND' }),
];

describe('exportList', () => {
  it('links: one a line, as shown elsewhere, without user name or password', () => {
    const { text, type, extension } = exportList('links', LIST);
    expect(text).toBe('https://example.com/a.iso\nhttps://example.com/b.bin?sig=1\ns3://media/v/720p.mp4\n');
    expect([type, extension]).toEqual(['text/plain', 'txt']);
  });

  it('JSON: each download with exactly the chosen fields, header names only, no credentials', () => {
    const { text, type } = exportList('json', LIST);
    expect(type).toBe('application/json');
    const { downloads } = JSON.parse(text) as { downloads: Record<string, unknown>[] };
    expect(downloads.map((d) => Object.keys(d))).toEqual(
      LIST.map(() => [
        'url',
        'filename',
        'dest_dir',
        'status',
        'progress',
        'downloaded_bytes',
        'total_bytes',
        'failed_count',
        'error_code',
        'error_message',
        'expected_sha256',
        'request_headers',
        'created_at',
        'completed_at',
      ]),
    );
    expect(downloads.map((d) => [d.url, d.status, d.request_headers])).toEqual([
      ['https://example.com/a.iso', 'completed', []],
      ['https://example.com/b.bin?sig=1', 'completed', ['Cookie']],
      ['s3://media/v/720p.mp4', 'failed', []],
    ]);
    expect(text).not.toMatch(/bob|s3cret/);
  });

  it('an empty list exports as nothing, or an empty JSON list', () => {
    expect(exportList('links', []).text).toBe('');
    expect(JSON.parse(exportList('json', []).text)).toEqual({ downloads: [] });
  });
});
