import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import * as attemptsTable from '../../src-main/store/attempts-table.js';
import { type Db, openDatabase } from '../../src-main/store/database.js';
import * as downloadsTable from '../../src-main/store/downloads-table.js';
import * as segmentsTable from '../../src-main/store/segments-table.js';
import * as settingsTable from '../../src-main/store/settings-table.js';
import { closeTracked, record, track } from '../support/store-fixtures.js';

afterEach(() => {
  closeTracked();
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
      stop_code: null,
      connection_retries: 3,
    });
    attemptsTable.endAttempt(db, a2, { ended_at: 9000, offset_to: 5_000_000_000, error_code: null, error_message: 'Paused', stop_code: 'PAUSED', connection_retries: 0 });

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
        stop_code: null,
        connection_retries: 3,
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
        error_message: 'Paused',
        stop_code: 'PAUSED',
        connection_retries: 0,
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
        stop_code: null,
        connection_retries: 0,
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
      attemptsTable.endAttempt(db, 999, { ended_at: 1, offset_to: 0, error_code: null, error_message: null, stop_code: null, connection_retries: 0 }),
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
