import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadRecord } from '../../src-main/engine/download-store.js';
import {
  DatabaseCorruptError,
  DatabaseTooNewError,
  DatabaseUnreadableError,
  openDatabase,
  schemaVersion,
} from '../../src-main/store/database.js';
import { MIGRATIONS } from '../../src-main/store/migrations/index.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { apiClient } from '../support/api-client.js';
import { runCli } from '../support/cli-process.js';

const LATEST = MIGRATIONS.at(-1)!.version;
const repo = fileURLToPath(new URL('../..', import.meta.url));
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

function record(id: string): DownloadRecord {
  return {
    id,
    source: { kind: 'http', url: `https://example.com/files/${id}.bin?sig=${'s'.repeat(200)}` },
    filename: `${id}.bin`,
    filename_from_user: false,
    dest_dir: '/home/u/Downloads',
    status: 'completed',
    total_bytes: 1000,
    downloaded_bytes: 1000,
    failed_count: 0,
    max_attempts: 5,
    next_retry_at: null,
    error_code: null,
    error_message: `an error message long enough to fill pages ${'x'.repeat(300)}`,
    notice: null,
    etag: '"abc"',
    last_modified: null,
    expected_sha256: null,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_000,
    completed_at: 1_700_000_000_000,
    speed_limit: null,
    one_connection: false,
  };
}

/** A real Steadfast database of many pages (2,000 downloads), closed cleanly (WAL checkpointed). */
function realDatabase(target: string, rows = 2000): Buffer {
  const store = SqliteStore.open(target);
  store.transaction(() => {
    for (let i = 0; i < rows; i += 1) store.insertDownload(record(`d${String(i).padStart(5, '0')}`));
  });
  store.close();
  for (const suffix of ['-wal', '-shm']) expect(fs.existsSync(target + suffix)).toBe(false);
  return fs.readFileSync(target);
}

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

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
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

describe('openDatabase: files that are fine, or not ours to move', () => {
  it('an empty 0-byte file is a valid new database and opens normally', () => {
    fs.writeFileSync(file, '');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    expect(corruptFiles()).toEqual([]);
  });

  it('a healthy database keeps its rows, and the check leaves no side files behind', () => {
    realDatabase(file, 50);
    const store = SqliteStore.open(file);
    expect(store.listDownloads()).toHaveLength(50);
    store.close();
    expect(fs.readdirSync(dir)).toEqual(['steadfast.db']);
  });

  it('a healthy database with an uncheckpointed WAL (after a crash) opens with every committed row', () => {
    realDatabase(file, 10);
    // A crashed writer: its committed transaction lives only in the -wal file.
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.prepare("UPDATE downloads SET filename = 'renamed.bin' WHERE id = 'd00003'").run();
    const crashed = { wal: fs.readFileSync(`${file}-wal`), shm: fs.readFileSync(`${file}-shm`), db: fs.readFileSync(file) };
    writer.close();
    fs.writeFileSync(file, crashed.db);
    fs.writeFileSync(`${file}-wal`, crashed.wal);
    fs.writeFileSync(`${file}-shm`, crashed.shm);

    const store = SqliteStore.open(file);
    expect(store.listDownloads().find((r) => r.id === 'd00003')?.filename).toBe('renamed.bin');
    store.close();
    expect(corruptFiles()).toEqual([]);
  });

  it('a newer database is still refused untouched, not taken for a damaged one', () => {
    realDatabase(file, 5);
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST + 5}`);
    raw.close();
    const before = fs.readFileSync(file);
    const error = thrown(() => openDatabase(file));
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    expect((error as DatabaseTooNewError).code).toBe('DATABASE_TOO_NEW');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['steadfast.db']);
  });

  it('a folder where the database file should be is reported, not moved', () => {
    fs.mkdirSync(file);
    const error = thrown(() => openDatabase(file));
    expect(error).toBeInstanceOf(DatabaseUnreadableError);
    expect((error as DatabaseUnreadableError).code).toBe('DATABASE_UNREADABLE');
    expect(error.message).toContain(`Steadfast cannot open its database ${file}`);
    expect(fs.statSync(file).isDirectory()).toBe(true);
    expect(corruptFiles()).toEqual([]);
  });

  // As root, permissions only bite an unprivileged user, who must be able to run the repo's code:
  // a checkout inside a private folder (mode 0700, as mktemp makes) cannot be, so it is skipped.
  const asRoot = process.getuid?.() === 0;
  const unprivilegedCanRun =
    !asRoot || spawnSync(process.execPath, ['--import', 'tsx', '-e', ''], { cwd: repo, uid: 65534, gid: 65534, timeout: 20_000 }).status === 0;
  if (!unprivilegedCanRun) console.log('Skipped "a file this user may not read": user nobody cannot read this checkout.');

  it.skipIf(!unprivilegedCanRun)('a file this user may not read is reported with its path and left where it is', () => {
    const bytes = realDatabase(file, 5);
    fs.chmodSync(file, 0o000);
    // Root reads anything: the check then runs as an unprivileged user ("nobody"), which the
    // file (owned by root, mode 000) denies, in a folder where that user could rename it.
    if (asRoot) fs.chmodSync(dir, 0o777);
    const script = [
      `import { openDatabase } from ${JSON.stringify(path.join(repo, 'src-main/store/database.ts'))};`,
      'try { openDatabase(process.argv[1]); console.log(JSON.stringify({ opened: true })); }',
      'catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })); }',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 20_000,
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { name: string; code: string; message: string };
    expect(result).toMatchObject({ name: 'DatabaseUnreadableError', code: 'DATABASE_UNREADABLE' });
    expect(result.message).toContain(`Steadfast cannot open its database ${file}: `);
    expect(result.message).toMatch(/permission denied|EACCES/i);
    expect(result.message).toContain('The file was left as it is');
    fs.chmodSync(file, 0o600);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['steadfast.db']);
  });
});

describe('at start: the first start fails loudly, only the second starts empty', () => {
  it('`steadfast serve` on a damaged database exits 1 saying where the file went; the next start runs', async () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    const garbage = Buffer.from('definitely not SQLite\n'.repeat(200));
    fs.writeFileSync(path.join(dataDir, 'steadfast.db'), garbage);
    const args = ['serve', '--port', '0', '--data-dir', dataDir, '--download-dir', path.join(dir, 'dl'), '--token', 't0123456789abcdef'];

    const first = await runCli(args).exited;
    expect(first.code).toBe(1);
    expect(first.stdout).not.toContain('Steadfast is running');
    const moved = fs.readdirSync(dataDir).filter((name) => name.startsWith('steadfast.db.corrupt-'));
    expect(moved).toHaveLength(1);
    expect(first.stderr).toContain(`steadfast: The database ${path.join(dataDir, 'steadfast.db')} is damaged (file is not a database`);
    expect(first.stderr).toContain(`It was moved to ${path.join(dataDir, moved[0]!)}`);
    expect(first.stderr).toContain('Starting Steadfast again begins with an empty download list');
    expect(fs.readFileSync(path.join(dataDir, moved[0]!)).equals(garbage)).toBe(true);

    const second = runCli(args);
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the second start did not come up: ${out}`)), 20_000);
      second.child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const listening = /API: http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (listening) {
          clearTimeout(timer);
          resolve(Number(listening[1]));
        }
      });
    });
    // It serves, with an empty list.
    const listed = await apiClient(port, 't0123456789abcdef').get('/api/downloads');
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({ downloads: [] });
    second.child.kill('SIGTERM');
    await second.exited;
    const db = new Database(path.join(dataDir, 'steadfast.db'), { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM downloads').get() as { n: number }).n).toBe(0);
    db.close();
  });
});
