import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import type { DownloadRecord } from '../../src-main/engine/download-store.js';
import * as attemptsTable from '../../src-main/store/attempts-table.js';
import { type Db, DatabaseTooNewError, openDatabase, schemaVersion } from '../../src-main/store/database.js';
import * as downloadsTable from '../../src-main/store/downloads-table.js';
import * as segmentsTable from '../../src-main/store/segments-table.js';
import { MIGRATIONS } from '../../src-main/store/migrations/index.js';
import type { Migration } from '../../src-main/store/migrations/migration.js';
import * as settingsTable from '../../src-main/store/settings-table.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { prepared } from '../../src-main/store/statements.js';

const LATEST = MIGRATIONS.at(-1)!.version;

function record(overrides: Partial<DownloadRecord> = {}): DownloadRecord {
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

function tableNames(db: Db): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map(
    (row) => row.name,
  );
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

let dir: string;
const open: { close(): void }[] = [];
const track = <T extends { close(): void }>(db: T): T => {
  open.push(db);
  return db;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadfast-'));
});

afterEach(() => {
  for (const db of open.splice(0)) {
    try {
      db.close();
    } catch {
      // already closed by the test
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('puts a file database in WAL mode with foreign keys on', () => {
    const db = track(openDatabase(path.join(dir, 'steadfast.db')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('sets user_version to the last migration and creates the tables', () => {
    expect(LATEST).toBe(MIGRATIONS.length);
    const db = track(openDatabase(path.join(dir, 'steadfast.db')));
    expect(schemaVersion(db)).toBe(LATEST);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(tableNames(db)).toEqual(['attempts', 'downloads', 'segments', 'settings', 'sqlite_sequence']);
  });

  it('works in memory too', () => {
    const db = track(openDatabase(':memory:'));
    expect(schemaVersion(db)).toBe(LATEST);
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
  });

  it('re-opening is idempotent and keeps the data', () => {
    const file = path.join(dir, 'steadfast.db');
    const first = openDatabase(file);
    downloadsTable.insertDownload(first, record());
    settingsTable.writeSettings(first, { max_attempts: 7 });
    first.close();

    const second = track(openDatabase(file));
    expect(schemaVersion(second)).toBe(LATEST);
    expect(tableNames(second)).toEqual(['attempts', 'downloads', 'segments', 'settings', 'sqlite_sequence']);
    expect(downloadsTable.listDownloads(second)).toEqual([record()]);
    expect(settingsTable.readSettings(second)).toEqual({ max_attempts: 7 });
    second.close();

    const third = track(openDatabase(file));
    expect(schemaVersion(third)).toBe(LATEST);
    expect(downloadsTable.listDownloads(third)).toHaveLength(1);
  });

  it('refuses a database from a newer version and leaves the file untouched', () => {
    const file = path.join(dir, 'steadfast.db');
    const created = openDatabase(file);
    downloadsTable.insertDownload(created, record());
    created.pragma('user_version = 99');
    created.close();
    const before = fs.readFileSync(file);

    const error = thrown(() => openDatabase(file));
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    expect(error.name).toBe('DatabaseTooNewError');
    expect((error as DatabaseTooNewError).code).toBe('DATABASE_TOO_NEW');
    expect(error.message).toBe(
      `The database ${file} was created by a newer version of Steadfast (schema 99; this version ` +
        `understands up to ${LATEST}). Update Steadfast, or choose another data folder.`,
    );
    expect(error.message).toContain('created by a newer version');

    expect(fs.readFileSync(file).equals(before)).toBe(true);
    const raw = track(new Database(file, { readonly: true }));
    expect(raw.pragma('user_version', { simple: true })).toBe(99);
    expect((raw.prepare('SELECT id FROM downloads').all() as { id: string }[]).map((r) => r.id)).toEqual(['d1']);
  });

  it('refuses a too-new rollback-journal database without touching a byte of it', () => {
    const file = path.join(dir, 'legacy.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE t (x)');
    raw.pragma('user_version = 7');
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('closes the connection it refused (the file can be opened for writing again)', () => {
    const file = path.join(dir, 'steadfast.db');
    const created = openDatabase(file);
    created.pragma(`user_version = ${LATEST + 1}`);
    created.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    // An app that knows version 2 opens it normally afterwards.
    const v2: Migration = { version: LATEST + 1, name: 'noop', sql: 'CREATE TABLE extra (x INTEGER) STRICT;' };
    const db = track(openDatabase(file, [...MIGRATIONS, v2]));
    expect(schemaVersion(db)).toBe(LATEST + 1);
    expect(tableNames(db)).not.toContain('extra'); // version 2 was already applied, so it is skipped
  });

  it('rolls back a failing migration: user_version stays and no partial table exists', () => {
    const file = path.join(dir, 'steadfast.db');
    const bad: Migration = {
      version: LATEST + 1,
      name: 'broken',
      sql: 'CREATE TABLE half_done (x INTEGER) STRICT; CREATE TABLE broken (',
    };
    expect(() => openDatabase(file, [...MIGRATIONS, bad])).toThrow(/incomplete input/);

    const raw = track(new Database(file));
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(tableNames(raw)).toEqual(['attempts', 'downloads', 'segments', 'settings', 'sqlite_sequence']);
    expect(tableNames(raw)).not.toContain('half_done');
  });

  it('applies a later good migration on the next start after a bad one is fixed', () => {
    const file = path.join(dir, 'steadfast.db');
    const bad: Migration = { version: LATEST + 1, name: 'broken', sql: 'CREATE TABLE half_done (x INTEGER); SELEC 1;' };
    expect(() => openDatabase(file, [...MIGRATIONS, bad])).toThrow();
    const good: Migration = { version: LATEST + 1, name: 'fixed', sql: 'CREATE TABLE half_done (x INTEGER) STRICT;' };
    const db = track(openDatabase(file, [...MIGRATIONS, good]));
    expect(schemaVersion(db)).toBe(LATEST + 1);
    expect(tableNames(db)).toContain('half_done');
  });
});

describe('downloads table', () => {
  let db: Db;
  beforeEach(() => {
    db = track(openDatabase(path.join(dir, 'steadfast.db')));
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

describe('attempts table', () => {
  let db: Db;
  beforeEach(() => {
    db = track(openDatabase(':memory:'));
    downloadsTable.insertDownload(db, record({ id: 'a' }));
    downloadsTable.insertDownload(db, record({ id: 'b', created_at: 2 }));
  });

  it('lists one download’s attempts in insertion order with their ends', () => {
    const a1 = attemptsTable.startAttempt(db, { download_id: 'a', number: 1, started_at: 1000, offset_from: 0 });
    const b1 = attemptsTable.startAttempt(db, { download_id: 'b', number: 1, started_at: 1500, offset_from: 0 });
    const a2 = attemptsTable.startAttempt(db, { download_id: 'a', number: 2, started_at: 4000, offset_from: 629_145_600 });
    expect(a2).toBeGreaterThan(b1);
    expect(b1).toBeGreaterThan(a1);

    attemptsTable.endAttempt(db, a1, {
      ended_at: 3000,
      offset_to: 629_145_600,
      error_code: 'CONNECTION_RESET',
      error_message: 'Connection to example.com was lost',
    });
    attemptsTable.endAttempt(db, a2, { ended_at: 9000, offset_to: 5_000_000_000, error_code: null, error_message: null });

    expect(attemptsTable.listAttempts(db, 'a')).toEqual([
      {
        id: a1,
        download_id: 'a',
        number: 1,
        started_at: 1000,
        ended_at: 3000,
        offset_from: 0,
        offset_to: 629_145_600,
        error_code: 'CONNECTION_RESET',
        error_message: 'Connection to example.com was lost',
      },
      {
        id: a2,
        download_id: 'a',
        number: 2,
        started_at: 4000,
        ended_at: 9000,
        offset_from: 629_145_600,
        offset_to: 5_000_000_000,
        error_code: null,
        error_message: null,
      },
    ]);
    expect(attemptsTable.listAttempts(db, 'b')).toEqual([
      {
        id: b1,
        download_id: 'b',
        number: 1,
        started_at: 1500,
        ended_at: null,
        offset_from: 0,
        offset_to: null,
        error_code: null,
        error_message: null,
      },
    ]);
  });

  it('orders by id, not by attempt number or start time', () => {
    attemptsTable.startAttempt(db, { download_id: 'a', number: 3, started_at: 300, offset_from: 0 });
    attemptsTable.startAttempt(db, { download_id: 'a', number: 1, started_at: 100, offset_from: 0 });
    attemptsTable.startAttempt(db, { download_id: 'a', number: 2, started_at: 200, offset_from: 0 });
    expect(attemptsTable.listAttempts(db, 'a').map((a) => a.number)).toEqual([3, 1, 2]);
  });

  it('endAttempt of an unknown attempt throws', () => {
    expect(() =>
      attemptsTable.endAttempt(db, 999, { ended_at: 1, offset_to: 0, error_code: null, error_message: null }),
    ).toThrow('Attempt 999 does not exist');
  });

  it('refuses an attempt for a download that does not exist (foreign key)', () => {
    expect(() =>
      attemptsTable.startAttempt(db, { download_id: 'ghost', number: 1, started_at: 1, offset_from: 0 }),
    ).toThrow(/FOREIGN KEY constraint failed/);
  });

  it('EXPLAIN QUERY PLAN: the listing query uses attempts_by_download with no sort step', () => {
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM attempts WHERE download_id = ? ORDER BY id')
      .all('a') as { detail: string }[];
    const details = plan.map((row) => row.detail);
    expect(details).toEqual(['SEARCH attempts USING INDEX attempts_by_download (download_id=?)']);
    expect(details.join('\n')).not.toContain('TEMP B-TREE');
  });
});

describe('settings table', () => {
  it('upserts and reads back JSON values', () => {
    const db = track(openDatabase(':memory:'));
    expect(settingsTable.readSettings(db)).toEqual({});
    settingsTable.writeSettings(db, { max_attempts: 5, backoff: 'fixed', initial_delay_seconds: 0.5 });
    settingsTable.writeSettings(db, { max_attempts: 7, download_dir: '/data/dl', extra: { a: [1, null, 'x'] } });
    expect(settingsTable.readSettings(db)).toEqual({
      max_attempts: 7,
      backoff: 'fixed',
      initial_delay_seconds: 0.5,
      download_dir: '/data/dl',
      extra: { a: [1, null, 'x'] },
    });
    expect(db.prepare('SELECT value FROM settings WHERE key = ?').get('backoff')).toEqual({ value: '"fixed"' });
    expect((db.prepare('SELECT COUNT(*) AS n FROM settings').get() as { n: number }).n).toBe(5);
  });

  it('writes a batch atomically', () => {
    const db = track(openDatabase(':memory:'));
    settingsTable.writeSettings(db, { max_attempts: 5 });
    // JSON.stringify(undefined) is undefined → NOT NULL fails on the second key; the first must roll back.
    expect(() => settingsTable.writeSettings(db, { max_attempts: 9, broken: undefined })).toThrow();
    expect(settingsTable.readSettings(db)).toEqual({ max_attempts: 5 });
  });
});

describe('SqliteStore', () => {
  it('implements DownloadStore on one file and survives a re-open', () => {
    const file = path.join(dir, 'steadfast.db');
    const store = SqliteStore.open(file);
    store.insertDownload(record({ total_bytes: 5_000_000_000 }));
    const attempt = store.startAttempt({ download_id: 'd1', number: 1, started_at: 10, offset_from: 0 });
    store.endAttempt(attempt, { ended_at: 20, offset_to: 1234, error_code: 'STALLED', error_message: 'No data' });
    store.updateDownload('d1', { status: 'retrying', downloaded_bytes: 1234, failed_count: 1 });
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
      },
    ]);
    expect(reopened.readSettings()).toEqual({ max_concurrent: 2 });
    reopened.deleteDownload('d1');
    expect(reopened.listDownloads()).toEqual([]);
    expect(reopened.listAttempts('d1')).toEqual([]);
  });

  it('transaction returns the work’s value and rolls everything back when it throws', () => {
    const store = track(SqliteStore.open(path.join(dir, 'steadfast.db')));
    expect(store.transaction(() => 42)).toBe(42);
    store.insertDownload(record({ id: 'kept' }));
    expect(() =>
      store.transaction(() => {
        store.insertDownload(record({ id: 'lost', created_at: 5 }));
        store.updateDownload('kept', { status: 'failed' });
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
    const store = track(SqliteStore.open(path.join(dir, 'steadfast.db')));
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
    const store = track(SqliteStore.open(path.join(dir, 'steadfast.db')));
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
    const store = track(SqliteStore.open(path.join(dir, 'steadfast.db')));
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
    const store = track(SqliteStore.open(path.join(dir, 'steadfast.db')));
    expect(() => store.saveDownload('nope', { downloaded_bytes: 1 }, ranges)).toThrow('Download nope does not exist');
    expect(store.listSegments('nope')).toEqual([]);
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
    const file = path.join(dir, 'steadfast.db');
    const first = openDatabase(file);
    downloadsTable.insertDownload(first, record());
    first.close();
    const second = track(openDatabase(file));
    downloadsTable.updateDownload(second, 'd1', { status: 'paused' });
    expect(downloadsTable.listDownloads(second).map((r) => r.status)).toEqual(['paused']);
  });
});

describe('migration 2: per-download speed limit', () => {
  it('adds speed_limit to an existing version-1 database, keeping its rows', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadfast-m2-'));
    try {
      const file = path.join(dir, 'steadfast.db');
      const v1 = openDatabase(file, MIGRATIONS.slice(0, 1));
      v1.prepare(
        `INSERT INTO downloads (id, source, filename, dest_dir, status, max_attempts, created_at, updated_at)
         VALUES ('old', '{"kind":"http","url":"http://x/a"}', 'a', '/tmp', 'paused', 5, 1, 1)`,
      ).run();
      v1.close();
      const db = openDatabase(file);
      expect(schemaVersion(db)).toBe(LATEST);
      expect(downloadsTable.listDownloads(db)).toMatchObject([{ id: 'old', status: 'paused', speed_limit: null }]);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('segments table', () => {
  it('replaces all of a download\'s ranges at once, and refuses impossible ones', () => {
    const db = openDatabase(':memory:');
    try {
      db.prepare(
        `INSERT INTO downloads (id, source, filename, dest_dir, status, max_attempts, created_at, updated_at)
         VALUES ('d', '{"kind":"http","url":"http://x/a"}', 'a', '/tmp', 'downloading', 5, 1, 1)`,
      ).run();
      segmentsTable.replaceSegments(db, 'd', [
        { start: 0, end: 100, done: 40 },
        { start: 100, end: 200, done: 0 },
      ]);
      segmentsTable.replaceSegments(db, 'd', [
        { start: 0, end: 100, done: 100 },
        { start: 100, end: 150, done: 10 },
        { start: 150, end: 200, done: 5 },
      ]);
      expect(segmentsTable.listSegments(db, 'd')).toEqual([
        { start: 0, end: 100, done: 100 },
        { start: 100, end: 150, done: 10 },
        { start: 150, end: 200, done: 5 },
      ]);
      expect(() => segmentsTable.replaceSegments(db, 'd', [{ start: 0, end: 10, done: 11 }])).toThrow(/CHECK constraint/);
      // A refused list leaves the ranges that were there: never half of either list.
      expect(segmentsTable.listSegments(db, 'd')).toHaveLength(3);
      db.prepare("DELETE FROM downloads WHERE id = 'd'").run();
      expect(segmentsTable.listSegments(db, 'd')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
