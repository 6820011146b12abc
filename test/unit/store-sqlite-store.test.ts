import { describe, it, expect } from 'vitest';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { databaseFilePerTest, record, track } from '../support/store-fixtures.js';

const databaseFile = databaseFilePerTest();

describe('SqliteStore', () => {
  it('implements DownloadStore on one file and survives a re-open', () => {
    const file = databaseFile();
    const store = SqliteStore.open(file);
    store.insertDownload(record({ total_bytes: 5_000_000_000 }));
    const attempt = store.startAttempt({ download_id: 'd1', number: 1, started_at: 10, offset_from: 0 });
    store.endAttempt(attempt, { ended_at: 20, offset_to: 1234, error_code: 'STALLED', error_message: 'No data', stop_code: null, connection_retries: 0 });
    store.saveDownload('d1', { status: 'retrying', downloaded_bytes: 1234, failed_count: 1 });
    store.writeSettings({ max_concurrent: 2 });
    store.close();

    const reopened = track(SqliteStore.open(file));
    expect(reopened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reopened.listDownloads()).toEqual([
      record({ total_bytes: 5_000_000_000, status: 'retrying', downloaded_bytes: 1234, failed_count: 1 }),
    ]);
    expect(reopened.listAttempts('d1')).toEqual([
      {
        id: attempt,
        download_id: 'd1',
        number: 1,
        started_at: 10,
        ended_at: 20,
        offset_from: 0,
        offset_to: 1234,
        error_code: 'STALLED',
        error_message: 'No data',
        stop_code: null,
        connection_retries: 0,
      },
    ]);
    expect(reopened.readSettings()).toEqual({ max_concurrent: 2 });
    reopened.deleteDownload('d1');
    expect(reopened.listDownloads()).toEqual([]);
    expect(reopened.listAttempts('d1')).toEqual([]);
  });

  it('transaction returns the work’s value and rolls everything back when it throws', () => {
    const store = track(SqliteStore.open(databaseFile()));
    expect(store.transaction(() => 42)).toBe(42);
    store.insertDownload(record({ id: 'kept' }));
    expect(() =>
      store.transaction(() => {
        store.insertDownload(record({ id: 'lost', created_at: 5 }));
        store.saveDownload('kept', { status: 'failed' });
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.listDownloads()).toEqual([record({ id: 'kept' })]);
  });
});

describe('SqliteStore.saveDownload', () => {
  const ranges = [
    { start: 0, end: 100, done: 40 },
    { start: 100, end: 200, done: 10 },
  ];

  it('writes the patch and the ranges together; without ranges it leaves them alone', () => {
    const store = track(SqliteStore.open(databaseFile()));
    store.insertDownload(record({ total_bytes: 200 }));
    store.saveDownload('d1', { status: 'downloading', downloaded_bytes: 50, updated_at: 2 }, ranges);
    expect(store.listDownloads()).toEqual([record({ total_bytes: 200, status: 'downloading', downloaded_bytes: 50, updated_at: 2 })]);
    expect(store.listSegments('d1')).toEqual(ranges);
    store.saveDownload('d1', { status: 'paused', updated_at: 3 });
    expect(store.listDownloads()[0]).toMatchObject({ status: 'paused', downloaded_bytes: 50 });
    expect(store.listSegments('d1')).toEqual(ranges);
    store.saveDownload('d1', { downloaded_bytes: 0, updated_at: 4 }, []);
    expect(store.listSegments('d1')).toEqual([]);
  });

  it('is atomic: a range the table refuses rolls back the row update as well', () => {
    const store = track(SqliteStore.open(databaseFile()));
    store.insertDownload(record({ total_bytes: 200 }));
    store.saveDownload('d1', { downloaded_bytes: 50 }, ranges);
    const before = store.listDownloads();
    // The second range claims more done bytes than it holds: its INSERT fails after the UPDATE ran.
    expect(() =>
      store.saveDownload('d1', { status: 'paused', downloaded_bytes: 150, updated_at: 9 }, [
        { start: 0, end: 100, done: 100 },
        { start: 100, end: 200, done: 500 },
      ]),
    ).toThrow(/CHECK constraint/);
    expect(store.listDownloads()).toEqual(before);
    expect(store.listSegments('d1')).toEqual(ranges);
  });

  it('inside a larger transaction, rolls back with it', () => {
    const store = track(SqliteStore.open(databaseFile()));
    store.insertDownload(record({ total_bytes: 200 }));
    expect(() =>
      store.transaction(() => {
        store.saveDownload('d1', { downloaded_bytes: 50 }, ranges);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.listDownloads()).toEqual([record({ total_bytes: 200 })]);
    expect(store.listSegments('d1')).toEqual([]);
  });

  it('of an unknown download throws and writes no range', () => {
    const store = track(SqliteStore.open(databaseFile()));
    expect(() => store.saveDownload('nope', { downloaded_bytes: 1 }, ranges)).toThrow('Download nope does not exist');
    expect(store.listSegments('nope')).toEqual([]);
  });
});
