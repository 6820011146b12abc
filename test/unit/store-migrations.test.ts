import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, it, expect } from 'vitest';
import { type Db, DatabaseTooNewError, openDatabase, schemaVersion } from '../../src-main/store/database.js';
import * as attemptsTable from '../../src-main/store/attempts-table.js';
import * as downloadsTable from '../../src-main/store/downloads-table.js';
import { MIGRATIONS } from '../../src-main/store/migrations/index.js';
import type { Migration } from '../../src-main/store/migrations/migration.js';
import * as settingsTable from '../../src-main/store/settings-table.js';
import { databaseFilePerTest, record, track } from '../support/store-fixtures.js';

const LATEST = MIGRATIONS.at(-1)!.version;

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

const databaseFile = databaseFilePerTest();

describe('openDatabase', () => {
  it('puts a file database in WAL mode with foreign keys on', () => {
    const db = track(openDatabase(databaseFile()));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('sets user_version to the last migration and creates the tables', () => {
    expect(LATEST).toBe(MIGRATIONS.length);
    const db = track(openDatabase(databaseFile()));
    expect(schemaVersion(db)).toBe(LATEST);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(tableNames(db)).toEqual(['attempts', 'downloads', 'hosts', 'segments', 'settings', 'sqlite_sequence']);
  });

  it('works in memory too', () => {
    const db = track(openDatabase(':memory:'));
    expect(schemaVersion(db)).toBe(LATEST);
    expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
  });

  it('re-opening is idempotent and keeps the data', () => {
    const file = databaseFile();
    const first = openDatabase(file);
    downloadsTable.insertDownload(first, record());
    settingsTable.writeSettings(first, { max_attempts: 7 });
    first.close();

    const second = track(openDatabase(file));
    expect(schemaVersion(second)).toBe(LATEST);
    expect(tableNames(second)).toEqual(['attempts', 'downloads', 'hosts', 'segments', 'settings', 'sqlite_sequence']);
    expect(downloadsTable.listDownloads(second)).toEqual([record()]);
    expect(settingsTable.readSettings(second)).toEqual({ max_attempts: 7 });
    second.close();

    const third = track(openDatabase(file));
    expect(schemaVersion(third)).toBe(LATEST);
    expect(downloadsTable.listDownloads(third)).toHaveLength(1);
  });

  it('refuses a database from a newer version and leaves the file untouched', () => {
    const file = databaseFile();
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
    const file = databaseFile('legacy.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE t (x)');
    raw.pragma(`user_version = ${LATEST + 1}`);
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('closes the connection it refused (the file can be opened for writing again)', () => {
    const file = databaseFile();
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
    const file = databaseFile();
    const bad: Migration = {
      version: LATEST + 1,
      name: 'broken',
      sql: 'CREATE TABLE half_done (x INTEGER) STRICT; CREATE TABLE broken (',
    };
    expect(() => openDatabase(file, [...MIGRATIONS, bad])).toThrow(/incomplete input/);

    const raw = track(new Database(file));
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(tableNames(raw)).toEqual(['attempts', 'downloads', 'hosts', 'segments', 'settings', 'sqlite_sequence']);
    expect(tableNames(raw)).not.toContain('half_done');
  });

  it('applies a later good migration on the next start after a bad one is fixed', () => {
    const file = databaseFile();
    const bad: Migration = { version: LATEST + 1, name: 'broken', sql: 'CREATE TABLE half_done (x INTEGER); SELEC 1;' };
    expect(() => openDatabase(file, [...MIGRATIONS, bad])).toThrow();
    const good: Migration = { version: LATEST + 1, name: 'fixed', sql: 'CREATE TABLE half_done (x INTEGER) STRICT;' };
    const db = track(openDatabase(file, [...MIGRATIONS, good]));
    expect(schemaVersion(db)).toBe(LATEST + 1);
    expect(tableNames(db)).toContain('half_done');
  });
});

describe('migration 2: per-download speed limit', () => {
  it('adds speed_limit to an existing version-1 database, keeping its rows', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadfast-m2-'));
    try {
      const file = databaseFile();
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

/** A row as an older schema took it: only the columns every version has (later ones keep their defaults). */
function insertOldDownload(db: Db, id: string, notice: string | null = null): void {
  db.prepare(
    `INSERT INTO downloads (id, source, filename, dest_dir, status, max_attempts, notice, created_at, updated_at)
     VALUES (?, '{"kind":"http","url":"http://x/a"}', 'a', '/tmp', 'queued', 5, ?, 1, 1)`,
  ).run(id, notice);
}

describe('migration 7: each attempt\'s story', () => {
  it('adds an empty story to the attempts of a version-6 database, keeping them, and stores one from then on', () => {
    const file = databaseFile();
    const v6 = openDatabase(file, MIGRATIONS.slice(0, 6));
    insertOldDownload(v6, 'old');
    const before = attemptsTable.startAttempt(v6, { download_id: 'old', number: 1, started_at: 10, offset_from: 0 });
    v6.close();

    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(LATEST);
    expect(attemptsTable.listAttempts(db, 'old')).toMatchObject([{ id: before, number: 1, offset_from: 0 }]);
    expect(attemptsTable.listAttemptStories(db, 'old').size).toBe(0);

    const story = { spans: [{ connection: 1, start: 0, end: 600 }], spans_omitted: 0, speed: { every_ms: 1000, bytes: [600] } };
    attemptsTable.saveAttemptStory(db, before, story);
    expect(attemptsTable.listAttemptStories(db, 'old')).toEqual(new Map([[before, story]]));
    // A story that is not one (a damaged row) is left out rather than shown wrong.
    db.prepare('UPDATE attempts SET story = ? WHERE id = ?').run('{"spans":[{"connection":1,"start":5,"end":2}]}', before);
    expect(attemptsTable.listAttemptStories(db, 'old').size).toBe(0);
  });
});

describe('migration 8: codes for notices and for attempts that stopped without an error', () => {
  const restart = 'The server does not support resuming; downloading again from the start.';

  it('gives a version-7 database the columns; its rows read as null and keep their English', () => {
    const file = databaseFile();
    const v7 = openDatabase(file, MIGRATIONS.slice(0, 7));
    insertOldDownload(v7, 'old', restart);
    const paused = attemptsTable.startAttempt(v7, { download_id: 'old', number: 1, started_at: 10, offset_from: 0 });
    // The end as version 7 wrote it: the words only.
    v7.prepare("UPDATE attempts SET ended_at = 20, offset_to = 600, error_message = 'Paused' WHERE id = ?").run(paused);
    v7.close();

    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(LATEST);
    expect(downloadsTable.listDownloads(db)).toMatchObject([{ id: 'old', notice: restart, notice_code: null }]);
    expect(attemptsTable.listAttempts(db, 'old')).toMatchObject([
      { id: paused, ended_at: 20, offset_to: 600, error_code: null, error_message: 'Paused', stop_code: null },
    ]);
  });

  it('stores a notice code and a stop code from then on, and clears the notice code with the notice', () => {
    const file = databaseFile();
    const v7 = openDatabase(file, MIGRATIONS.slice(0, 7));
    insertOldDownload(v7, 'old');
    v7.close();

    const db = track(openDatabase(file));
    downloadsTable.updateDownload(db, 'old', { notice: restart, notice_code: 'RESTART_RANGES_IGNORED' });
    expect(downloadsTable.getDownload(db, 'old')).toMatchObject({ notice: restart, notice_code: 'RESTART_RANGES_IGNORED' });
    downloadsTable.updateDownload(db, 'old', { notice: null, notice_code: null });
    expect(downloadsTable.getDownload(db, 'old')).toMatchObject({ notice: null, notice_code: null });

    const attempt = attemptsTable.startAttempt(db, { download_id: 'old', number: 1, started_at: 10, offset_from: 0 });
    attemptsTable.endAttempt(db, attempt, {
      ended_at: 20,
      offset_to: 600,
      error_code: null,
      error_message: 'Stopped by the schedule',
      stop_code: 'SCHEDULE',
      connection_retries: 0,
    });
    expect(attemptsTable.listAttempts(db, 'old')).toMatchObject([{ error_message: 'Stopped by the schedule', stop_code: 'SCHEDULE' }]);
  });
});

describe('migration 9: started by hand, kept across restarts', () => {
  it('gives a version-8 database the column, not marked; a mark is stored and read back as a boolean', () => {
    const file = databaseFile();
    const v8 = openDatabase(file, MIGRATIONS.slice(0, 8));
    insertOldDownload(v8, 'old');
    v8.close();

    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(9);
    expect(downloadsTable.getDownload(db, 'old')).toMatchObject({ started_by_hand: false });
    downloadsTable.updateDownload(db, 'old', { started_by_hand: true });
    expect(downloadsTable.getDownload(db, 'old')).toMatchObject({ started_by_hand: true });
    expect(db.prepare("SELECT started_by_hand FROM downloads WHERE id = 'old'").get()).toEqual({ started_by_hand: 1 });
  });
});
