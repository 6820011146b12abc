import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

export type Db = Database.Database;

/** The database was written by a newer Steadfast: opening it could destroy what it knows. */
export class DatabaseTooNewError extends Error {
  readonly code = 'DATABASE_TOO_NEW';

  constructor(path: string, found: number, supported: number) {
    super(
      `The database ${path} was created by a newer version of Steadfast (schema ${found}; this ` +
        `version understands up to ${supported}). Update Steadfast, or choose another data folder.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

/**
 * The database file is damaged (not SQLite at all, truncated, or failing `PRAGMA quick_check`).
 * It has been moved aside (`movedTo`, with its -wal/-shm/-journal files) so nothing writes over
 * it; `movedTo` is null when even that failed, and the file is where it was.
 */
export class DatabaseCorruptError extends Error {
  readonly code = 'DATABASE_CORRUPT';

  constructor(
    readonly path: string,
    readonly movedTo: string | null,
    readonly reason: string,
    moveFailure?: string,
  ) {
    super(
      movedTo === null
        ? `The database ${path} is damaged (${reason}) and could not be moved aside (${moveFailure ?? 'unknown error'}). ` +
            `Steadfast did not start, so nothing was written over it. Move ${path} and its -wal and -shm files ` +
            `somewhere else (or restore a backup), then start again: Steadfast then begins with an empty download list.`
        : `The database ${path} is damaged (${reason}), so Steadfast did not start. It was moved to ${movedTo} ` +
            `(with its -wal and -shm files, if any) to be inspected or recovered. Starting Steadfast again begins ` +
            `with an empty download list; files already in the download folder are not touched.`,
    );
    this.name = 'DatabaseCorruptError';
  }
}

/** The database file exists but this process may not read or write it: nothing was changed. */
export class DatabaseUnreadableError extends Error {
  readonly code = 'DATABASE_UNREADABLE';

  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(
      `Steadfast cannot open its database ${path}: ${reason}. The file was left as it is. Give the user ` +
        `running Steadfast read and write access to it and to its folder, or choose another data folder.`,
    );
    this.name = 'DatabaseUnreadableError';
  }
}

/** Files SQLite keeps beside a database; they belong to it and move with it. */
const SIDE_FILES = ['-wal', '-journal', '-shm'] as const;

/**
 * Opens (creating if needed) the database in WAL mode and brings its schema up to date. Each
 * migration runs in its own transaction together with its user_version bump.
 *
 * Before that, an existing file is checked: one this process may not read or write is refused
 * untouched (DatabaseUnreadableError); one from a newer version is refused untouched
 * (DatabaseTooNewError); a damaged one is moved aside and refused (DatabaseCorruptError), so
 * the first start fails loudly and only the next one starts empty. A 0-byte file is a new
 * database. A new file is created readable by its owner only (0600), as SQLite then creates its
 * -wal and -shm: it holds every URL, signed ones included (ARCHITECTURE.md §6).
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS, nativeBinding?: string): Db {
  const latest = migrations.at(-1)?.version ?? 0;
  const onDisk = path !== ':memory:' && path !== '';
  if (onDisk) {
    inspectFile(path, latest, nativeBinding);
    createPrivately(path);
  }

  let db: Db;
  try {
    db = new Database(path, nativeBinding === undefined ? {} : { nativeBinding });
  } catch (error) {
    throw onDisk && isAccessError(error) ? new DatabaseUnreadableError(path, describe(error)) : error;
  }
  try {
    // Refuse a database from the future before anything (even the journal mode) touches it.
    const found = schemaVersion(db);
    if (found > latest) throw new DatabaseTooNewError(path, found, latest);
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; the partial file's own fsync
    // guards the bytes, so a lost last transaction only costs a re-fetch of one checkpoint.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    if (onDisk && isCorruption(error)) throw setAside(path, describe(error), new Set(SIDE_FILES.filter((s) => existsSync(path + s))));
    if (onDisk && isAccessError(error)) throw new DatabaseUnreadableError(path, describe(error));
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Looks at an existing database through a read-only connection, which can neither checkpoint a
 * WAL into the file nor roll back a journal: whatever it finds, the file's bytes stay as they
 * were. A newer database is left to the real connection, which refuses it as before. Errors
 * that say nothing about the file's health (busy, a hot journal a read-only connection cannot
 * replay) are left to the real connection too.
 */
function inspectFile(path: string, latest: number, nativeBinding: string | undefined): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new DatabaseUnreadableError(path, 'it is not a regular file');
    size = stat.size;
  } catch (error) {
    if (error instanceof DatabaseUnreadableError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // a new database
    throw new DatabaseUnreadableError(path, describe(error));
  }
  try {
    closeSync(openSync(path, 'r+'));
  } catch (error) {
    throw new DatabaseUnreadableError(path, describe(error));
  }
  if (size === 0) return; // SQLite's own new, empty database

  const existing = new Set(SIDE_FILES.filter((suffix) => existsSync(path + suffix)));
  let probe: Db | undefined;
  let damage: string | null = null;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding === undefined ? {} : { nativeBinding }) });
    if (schemaVersion(probe) <= latest) {
      const rows = probe.pragma('quick_check(1)', { simple: false }) as Record<string, unknown>[];
      const result = rows.map((row) => String(Object.values(row)[0])).join('; ');
      if (result !== 'ok') damage = `PRAGMA quick_check: ${result.replace(/\s+/g, ' ').trim()}`;
    }
  } catch (error) {
    if (isCorruption(error)) damage = describe(error);
    else if (isAccessError(error)) throw new DatabaseUnreadableError(path, describe(error));
    // Anything else: the real connection below meets it again and reports it.
  } finally {
    probe?.close();
  }
  if (damage === null) return;
  // The read-only connection may have created an empty -wal and a -shm: they are not the
  // damaged database's, so they are removed rather than moved with it.
  for (const suffix of SIDE_FILES) {
    if (!existing.has(suffix)) removeQuietly(path + suffix);
  }
  throw setAside(path, damage, existing);
}

/** SQLite would create the file 0644 (less the umask); an empty file is a new database to it. */
function createPrivately(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch {
    // It exists (its mode is the data folder's business, see private-files.ts), or it cannot be
    // created: SQLite, opening it next, reports that as it always has.
  }
}

/** Moves a damaged database and the side files it had to `<path>.corrupt-<time>`, keeping every byte. */
function setAside(path: string, reason: string, sideFiles: ReadonlySet<string>): DatabaseCorruptError {
  const stamp = new Date().toISOString().replaceAll(':', '');
  let target = `${path}.corrupt-${stamp}`;
  for (let n = 2; [target, ...SIDE_FILES.map((s) => target + s)].some((p) => existsSync(p)); n += 1) {
    target = `${path}.corrupt-${stamp}-${n}`;
  }
  const moved: [string, string][] = [];
  try {
    // Side files first: a stale -wal or -journal left beside a new database would be replayed into it.
    for (const suffix of SIDE_FILES) {
      if (sideFiles.has(suffix) && existsSync(path + suffix)) {
        renameSync(path + suffix, target + suffix);
        moved.push([path + suffix, target + suffix]);
      }
    }
    renameSync(path, target);
  } catch (error) {
    for (const [from, to] of moved.reverse()) {
      try {
        renameSync(to, from);
      } catch {
        // Best effort: the message still says which file is damaged.
      }
    }
    return new DatabaseCorruptError(path, null, reason, describe(error));
  }
  return new DatabaseCorruptError(path, target, reason);
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // absent, or not ours to remove
  }
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** SQLITE_NOTADB (not a database at all) and SQLITE_CORRUPT with its extended codes. */
function isCorruption(error: unknown): boolean {
  const code = sqliteCode(error);
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_');
}

function isAccessError(error: unknown): boolean {
  const code = sqliteCode(error);
  return (
    ['EACCES', 'EPERM', 'EROFS', 'EISDIR', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH', 'SQLITE_READONLY'].includes(code) ||
    code.startsWith('SQLITE_CANTOPEN_') ||
    code.startsWith('SQLITE_READONLY_')
  );
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = sqliteCode(error);
  const message = error.message.replace(/^[A-Z]+: /, '');
  return code !== '' && !message.includes(code) ? `${message} [${code}]` : message;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
