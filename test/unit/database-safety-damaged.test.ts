import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseCorruptError, openDatabase, schemaVersion } from '../../src-main/store/database.js';
import { MIGRATIONS } from '../../src-main/store/migrations/index.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { realDatabase, record, thrown } from '../support/database-safety-fixtures.js';

const LATEST = MIGRATIONS.at(-1)!.version;
/** `<name>.corrupt-<ISO time without colons>`, e.g. steadfast.db.corrupt-2025-01-31T235959.123Z */
const CORRUPT_NAME = /^steadfast\.db\.corrupt-\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z(-\d+)?$/;

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadfast-dbsafety-'));
  file = path.join(dir, 'steadfast.db');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function pageSize(bytes: Buffer): number {
  const size = bytes.readUInt16BE(16);
  return size === 1 ? 65536 : size;
}

/** Runs `read` on a read-only copy of `bytes` (in a folder of its own), so the file under test stays as it is. */
function onCopy<T>(bytes: Buffer, read: (db: Database.Database) => T): T {
  const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadfast-dbcopy-'));
  const copy = path.join(copyDir, 'copy.db');
  fs.writeFileSync(copy, bytes);
  try {
    const db = new Database(copy, { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(copyDir, { recursive: true, force: true });
  }
}

/** What SQLite itself says of a file: "ok", or the problem. */
function quickCheckOf(bytes: Buffer): string {
  try {
    return onCopy(bytes, (db) => String(db.pragma('quick_check', { simple: true })));
  } catch (error) {
    return (error as Error).message;
  }
}

function corruptFiles(): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('steadfast.db.corrupt-'));
}

/**
 * The whole promise for one damaged file: the first open throws DatabaseCorruptError naming
 * where the file went, the file there has exactly the original bytes, nothing is left under the
 * old name, and only the second open starts with an empty database.
 */
function expectSetAside(original: Buffer): DatabaseCorruptError {
  const error = thrown(() => openDatabase(file));
  expect(error).toBeInstanceOf(DatabaseCorruptError);
  const corrupt = error as DatabaseCorruptError;
  expect(corrupt.name).toBe('DatabaseCorruptError');
  expect(corrupt.code).toBe('DATABASE_CORRUPT');
  expect(corrupt.path).toBe(file);
  expect(corrupt.movedTo).not.toBeNull();
  expect(path.dirname(corrupt.movedTo!)).toBe(dir);
  expect(path.basename(corrupt.movedTo!)).toMatch(CORRUPT_NAME);
  expect(corrupt.message).toContain(`The database ${file} is damaged (`);
  expect(corrupt.message).toContain(`It was moved to ${corrupt.movedTo}`);
  expect(corrupt.message).toContain('Starting Steadfast again begins with an empty download list');

  expect(fs.existsSync(file)).toBe(false);
  expect(fs.readFileSync(corrupt.movedTo!).equals(original)).toBe(true);
  expect(corruptFiles()).toEqual([path.basename(corrupt.movedTo!)]);

  // Only the second start is empty, and it is a working database.
  const store = SqliteStore.open(file);
  try {
    expect(schemaVersion(store.db)).toBe(LATEST);
    expect(store.listDownloads()).toEqual([]);
    store.insertDownload(record('after'));
    expect(store.listDownloads().map((r) => r.id)).toEqual(['after']);
  } finally {
    store.close();
  }
  // The damaged file is still there, untouched, beside the new database.
  expect(fs.readFileSync(corrupt.movedTo!).equals(original)).toBe(true);
  return corrupt;
}

describe('openDatabase: a damaged database is set aside and reported, never silently replaced', () => {
  it('garbage bytes (not SQLite at all)', () => {
    const garbage = Buffer.alloc(20_000);
    for (let i = 0; i < garbage.length; i += 1) garbage[i] = (i * 7919 + 13) % 251;
    fs.writeFileSync(file, garbage);
    const error = expectSetAside(garbage);
    expect(error.reason).toContain('file is not a database');
  });

  it('a text file where the database should be', () => {
    const text = Buffer.from('{"downloads": []}\n'.repeat(100));
    fs.writeFileSync(file, text);
    expectSetAside(text);
  });

  it('a file of zeros (a preallocated file that never got its contents)', () => {
    const zeros = Buffer.alloc(64 * 1024);
    fs.writeFileSync(file, zeros);
    expectSetAside(zeros);
  });

  it('a real database truncated in the middle of a page', () => {
    const full = realDatabase(file);
    const size = pageSize(full);
    expect(full.length / size).toBeGreaterThan(50);
    const cut = full.subarray(0, Math.floor(full.length / 2) + Math.floor(size / 3));
    expect(cut.length % size).not.toBe(0);
    expect(quickCheckOf(cut)).not.toBe('ok');
    fs.writeFileSync(file, cut);
    expectSetAside(cut);
  });

  it('a real database truncated at a page boundary, halfway', () => {
    const full = realDatabase(file);
    const size = pageSize(full);
    const cut = full.subarray(0, Math.floor(full.length / size / 2) * size);
    expect(quickCheckOf(cut)).not.toBe('ok');
    fs.writeFileSync(file, cut);
    expectSetAside(cut);
  });

  it('a real database cut inside its 100-byte header', () => {
    const cut = realDatabase(file).subarray(0, 50);
    fs.writeFileSync(file, cut);
    expectSetAside(cut);
  });

  it('a multi-page database with a page in the middle overwritten (quick_check fails)', () => {
    const bytes = Buffer.from(realDatabase(file));
    const size = pageSize(bytes);
    const middle = Math.floor(bytes.length / size / 2) * size;
    bytes.fill(0xa5, middle, middle + size);
    expect(quickCheckOf(bytes)).not.toBe('ok');
    fs.writeFileSync(file, bytes);
    expectSetAside(bytes);
  });

  it('a multi-page database with two cells of a page swapped: quick_check reports it without any error', () => {
    const bytes = Buffer.from(realDatabase(file));
    const size = pageSize(bytes);
    // The first table leaf page (type 0x0d) with two cells or more, from the middle on: swapping
    // its first two cell pointers puts two rows out of order, which only a check can see.
    let page = Math.floor(bytes.length / size / 2) * size;
    while (!(bytes[page] === 0x0d && bytes.readUInt16BE(page + 3) >= 2)) page += size;
    expect(page).toBeLessThan(bytes.length);
    const first = bytes.readUInt16BE(page + 8);
    bytes.writeUInt16BE(bytes.readUInt16BE(page + 10), page + 8);
    bytes.writeUInt16BE(first, page + 10);
    // SQLite opens and reads this file without complaint; only quick_check finds the damage.
    expect(onCopy(bytes, (db) => db.pragma('user_version', { simple: true }))).toBe(LATEST);
    const verdict = quickCheckOf(bytes);
    expect(verdict).not.toBe('ok');
    fs.writeFileSync(file, bytes);
    const error = expectSetAside(bytes);
    expect(error.reason).toContain('PRAGMA quick_check: ');
    expect(error.message).toContain(verdict.replace(/\s+/g, ' ').trim());
  });

  // The -wal holds committed transactions: it moves byte for byte. The -shm is only SQLite's
  // shared-memory index of the -wal (rebuilt from it on open), so it moves but may be rewritten.
  it('moves the -wal (byte for byte) and -shm files with it, so no stale log is replayed into the new database', () => {
    const garbage = Buffer.from('not a database, and the log beside it is not ours either'.repeat(50));
    const wal = Buffer.from('a write-ahead log of some other database'.repeat(100));
    const shm = Buffer.alloc(32 * 1024, 7);
    fs.writeFileSync(file, garbage);
    fs.writeFileSync(`${file}-wal`, wal);
    fs.writeFileSync(`${file}-shm`, shm);
    const error = thrown(() => openDatabase(file)) as DatabaseCorruptError;
    expect(error).toBeInstanceOf(DatabaseCorruptError);
    expect(fs.readFileSync(error.movedTo!).equals(garbage)).toBe(true);
    expect(fs.readFileSync(`${error.movedTo!}-wal`).equals(wal)).toBe(true);
    expect(fs.existsSync(`${error.movedTo!}-shm`)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(
      [path.basename(error.movedTo!), `${path.basename(error.movedTo!)}-shm`, `${path.basename(error.movedTo!)}-wal`].sort(),
    );
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST);
    db.close();
  });

  it('a second damaged file never overwrites the first one set aside', () => {
    const first = Buffer.from('first bad file '.repeat(100));
    const second = Buffer.from('second bad file '.repeat(100));
    fs.writeFileSync(file, first);
    const a = thrown(() => openDatabase(file)) as DatabaseCorruptError;
    fs.writeFileSync(file, second);
    const b = thrown(() => openDatabase(file)) as DatabaseCorruptError;
    expect(a.movedTo).not.toBe(b.movedTo);
    expect(fs.readFileSync(a.movedTo!).equals(first)).toBe(true);
    expect(fs.readFileSync(b.movedTo!).equals(second)).toBe(true);
  });

  it('SqliteStore.open, the path every front end takes, reports it the same way', () => {
    fs.writeFileSync(file, 'garbage');
    expect(() => SqliteStore.open(file)).toThrow(DatabaseCorruptError);
    expect(corruptFiles()).toHaveLength(1);
  });
});
