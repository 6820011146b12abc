import { beforeEach, describe, it, expect } from 'vitest';
import type { DownloadRecord } from '../../src-main/engine/download-store.js';
import * as attemptsTable from '../../src-main/store/attempts-table.js';
import { type Db, openDatabase } from '../../src-main/store/database.js';
import * as downloadsTable from '../../src-main/store/downloads-table.js';
import { prepared } from '../../src-main/store/statements.js';
import { databaseFilePerTest, record, track } from '../support/store-fixtures.js';

const databaseFile = databaseFilePerTest();

describe('downloads table', () => {
  let db: Db;
  beforeEach(() => {
    db = track(openDatabase(databaseFile()));
  });

  it('round-trips a full record: source JSON, booleans, nulls and 64-bit-ish sizes', () => {
    const full = record({
      id: 'big',
      filename_from_user: true,
      status: 'retrying',
      total_bytes: 5_000_000_000,
      downloaded_bytes: 4_999_999_999,
      failed_count: 2,
      next_retry_at: 1_700_000_004_000,
      error_code: 'CONNECTION_RESET',
      error_message: 'Connection to example.com was lost',
      notice: 'The file changed on the server; downloading again from the start.',
      etag: '"abc-123"',
      last_modified: 'Wed, 21 Oct 2015 07:28:00 GMT',
      expected_sha256: 'a'.repeat(64),
      updated_at: 1_700_000_002_000,
      completed_at: null,
    });
    downloadsTable.insertDownload(db, full);
    const [listed] = downloadsTable.listDownloads(db);
    expect(listed).toEqual(full);
    expect(listed!.filename_from_user).toBe(true);
    expect(listed!.total_bytes).toBe(5_000_000_000);
    expect(downloadsTable.getDownload(db, 'big')).toEqual(full);

    const raw = db.prepare('SELECT source, filename_from_user, total_bytes FROM downloads WHERE id = ?').get('big');
    expect(raw).toEqual({
      source: '{"kind":"http","url":"https://example.com/files/movie.mp4?sig=abc"}',
      filename_from_user: 1,
      total_bytes: 5_000_000_000,
    });
  });

  it('round-trips the nulls of a fresh record', () => {
    downloadsTable.insertDownload(db, record());
    const [listed] = downloadsTable.listDownloads(db);
    expect(listed).toEqual(record());
    expect(listed!.filename_from_user).toBe(false);
    expect(listed!.total_bytes).toBeNull();
    expect(listed!.completed_at).toBeNull();
  });

  it('lists in creation order', () => {
    downloadsTable.insertDownload(db, record({ id: 'late', created_at: 3000 }));
    downloadsTable.insertDownload(db, record({ id: 'early', created_at: 1000 }));
    downloadsTable.insertDownload(db, record({ id: 'middle', created_at: 2000 }));
    expect(downloadsTable.listDownloads(db).map((r) => r.id)).toEqual(['early', 'middle', 'late']);
  });

  it('getDownload of an unknown id is undefined', () => {
    expect(downloadsTable.getDownload(db, 'nope')).toBeUndefined();
  });

  it('rejects a duplicate id', () => {
    downloadsTable.insertDownload(db, record());
    expect(() => downloadsTable.insertDownload(db, record())).toThrow(/UNIQUE constraint failed: downloads.id/);
  });

  it('updates only the patched columns', () => {
    downloadsTable.insertDownload(db, record({ filename_from_user: true }));
    downloadsTable.updateDownload(db, 'd1', {
      status: 'completed',
      source: { kind: 'http', url: 'https://mirror.example.org/movie.mp4' },
      filename_from_user: false,
      total_bytes: 5_000_000_000,
      downloaded_bytes: 5_000_000_000,
      error_message: null,
      completed_at: 1_700_000_100_000,
      updated_at: 1_700_000_100_000,
    });
    expect(downloadsTable.getDownload(db, 'd1')).toEqual(
      record({
        status: 'completed',
        source: { kind: 'http', url: 'https://mirror.example.org/movie.mp4' },
        filename_from_user: false,
        total_bytes: 5_000_000_000,
        downloaded_bytes: 5_000_000_000,
        completed_at: 1_700_000_100_000,
        updated_at: 1_700_000_100_000,
      }),
    );
  });

  it('sets a column back to null', () => {
    downloadsTable.insertDownload(db, record({ error_code: 'SERVER_ERROR', next_retry_at: 5 }));
    downloadsTable.updateDownload(db, 'd1', { error_code: null, next_retry_at: null });
    const row = downloadsTable.getDownload(db, 'd1')!;
    expect(row.error_code).toBeNull();
    expect(row.next_retry_at).toBeNull();
  });

  it('updateDownload of an unknown id throws', () => {
    downloadsTable.insertDownload(db, record());
    expect(() => downloadsTable.updateDownload(db, 'nope', { status: 'paused' })).toThrow('Download nope does not exist');
    expect(downloadsTable.getDownload(db, 'd1')!.status).toBe('queued');
  });

  it('refuses to update id or created_at and changes nothing', () => {
    downloadsTable.insertDownload(db, record());
    const patchWithId = { id: 'hijacked', status: 'paused' } as unknown as Parameters<typeof downloadsTable.updateDownload>[2];
    expect(() => downloadsTable.updateDownload(db, 'd1', patchWithId)).toThrow('downloads.id cannot be updated');
    const patchWithCreated = { created_at: 1 } as unknown as Parameters<typeof downloadsTable.updateDownload>[2];
    expect(() => downloadsTable.updateDownload(db, 'd1', patchWithCreated)).toThrow(
      'downloads.created_at cannot be updated',
    );
    expect(downloadsTable.listDownloads(db)).toEqual([record()]);
  });

  it('refuses an unknown column instead of interpolating it into SQL', () => {
    downloadsTable.insertDownload(db, record());
    const evil = { 'status = \'failed\' --': 1 } as unknown as Parameters<typeof downloadsTable.updateDownload>[2];
    expect(() => downloadsTable.updateDownload(db, 'd1', evil)).toThrow("downloads.status = 'failed' -- cannot be updated");
    expect(downloadsTable.getDownload(db, 'd1')!.status).toBe('queued');
  });

  it('the status CHECK constraint rejects an unknown status', () => {
    const bogus = record({ status: 'exploded' as DownloadRecord['status'] });
    expect(() => downloadsTable.insertDownload(db, bogus)).toThrow(/CHECK constraint failed/);
    downloadsTable.insertDownload(db, record());
    expect(() =>
      downloadsTable.updateDownload(db, 'd1', { status: 'exploded' as DownloadRecord['status'] }),
    ).toThrow(/CHECK constraint failed/);
    expect(downloadsTable.getDownload(db, 'd1')!.status).toBe('queued');
  });

  it('the STRICT table rejects a non-integer byte count', () => {
    const bad = record({ downloaded_bytes: 'lots' as unknown as number });
    expect(() => downloadsTable.insertDownload(db, bad)).toThrow(/cannot store TEXT value in INTEGER column/);
  });

  it('deleteDownload removes the row and cascades its attempts', () => {
    downloadsTable.insertDownload(db, record({ id: 'a' }));
    downloadsTable.insertDownload(db, record({ id: 'b', created_at: 2 }));
    attemptsTable.startAttempt(db, { download_id: 'a', number: 1, started_at: 10, offset_from: 0 });
    attemptsTable.startAttempt(db, { download_id: 'a', number: 2, started_at: 20, offset_from: 100 });
    attemptsTable.startAttempt(db, { download_id: 'b', number: 1, started_at: 30, offset_from: 0 });

    downloadsTable.deleteDownload(db, 'a');
    expect(downloadsTable.listDownloads(db).map((r) => r.id)).toEqual(['b']);
    expect(attemptsTable.listAttempts(db, 'a')).toEqual([]);
    expect(db.prepare('SELECT download_id FROM attempts').all()).toEqual([{ download_id: 'b' }]);
  });
});

describe('prepared statements', () => {
  it('are compiled once per connection and SQL text, each connection its own', () => {
    const a = track(openDatabase(':memory:'));
    const b = track(openDatabase(':memory:'));
    const sql = 'SELECT COUNT(*) AS n FROM downloads';
    expect(prepared(a, sql)).toBe(prepared(a, sql));
    expect(prepared(b, sql)).not.toBe(prepared(a, sql));
    expect(prepared(a, 'SELECT 1 AS n')).not.toBe(prepared(a, sql));
  });

  it('updates with different column sets each use their own statement, before and after a failure', () => {
    const db = track(openDatabase(':memory:'));
    downloadsTable.insertDownload(db, record());
    for (let i = 1; i <= 3; i++) {
      downloadsTable.updateDownload(db, 'd1', { downloaded_bytes: i, updated_at: i });
      downloadsTable.updateDownload(db, 'd1', { status: 'paused', next_retry_at: null });
      downloadsTable.updateDownload(db, 'd1', { updated_at: i * 10, downloaded_bytes: i * 2 });
      expect(() => downloadsTable.updateDownload(db, 'nope', { downloaded_bytes: i, updated_at: i })).toThrow();
      expect(() => downloadsTable.insertDownload(db, record())).toThrow(/UNIQUE/);
    }
    expect(downloadsTable.getDownload(db, 'd1')).toEqual(record({ status: 'paused', downloaded_bytes: 6, updated_at: 30 }));
  });

  it('keep working on a connection re-opened on the same file', () => {
    const file = databaseFile();
    const first = openDatabase(file);
    downloadsTable.insertDownload(first, record());
    first.close();
    const second = track(openDatabase(file));
    downloadsTable.updateDownload(second, 'd1', { status: 'paused' });
    expect(downloadsTable.listDownloads(second).map((r) => r.status)).toEqual(['paused']);
  });
});
