import Database from 'better-sqlite3';
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
 * Opens (creating if needed) the database in WAL mode and brings its schema up to date. Each
 * migration runs in its own transaction together with its user_version bump.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS, nativeBinding?: string): Db {
  const db = new Database(path, nativeBinding === undefined ? {} : { nativeBinding });
  try {
    // Refuse a database from the future before anything (even the journal mode) touches it.
    const latest = migrations.at(-1)?.version ?? 0;
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
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
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
