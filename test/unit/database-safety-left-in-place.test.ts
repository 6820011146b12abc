import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, DatabaseUnreadableError, openDatabase, schemaVersion } from '../../src-main/store/database.js';
import { MIGRATIONS } from '../../src-main/store/migrations/index.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { realDatabase, thrown } from '../support/database-safety-fixtures.js';

const LATEST = MIGRATIONS.at(-1)!.version;
const repo = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadfast-dbsafety-'));
  file = path.join(dir, 'steadfast.db');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function corruptFiles(): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('steadfast.db.corrupt-'));
}

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
    !asRoot ||
    spawnSync(
      process.execPath,
      // The very module the test imports: a checkout in a folder only root may enter (mktemp -d) cannot be read.
      ['--import', 'tsx', '--input-type=module', '-e', `import ${JSON.stringify(path.join(repo, 'src-main/store/database.ts'))};`],
      { cwd: repo, uid: 65534, gid: 65534, timeout: 20_000 },
    ).status === 0;
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
