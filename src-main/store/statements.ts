import type Database from 'better-sqlite3';
import type { Db } from './database.js';

type Statement = Database.Statement<unknown[]>;

const byConnection = new WeakMap<Db, Map<string, Statement>>();

/**
 * `db.prepare(sql)`, compiled once per connection and reused. Compiling cost about twice what
 * running a checkpoint's UPDATE does (bench/store-writes.ts), and the engine writes one on every
 * checkpoint. SQLite recompiles a cached statement by itself if the schema changes. SQL built
 * from data (an update's column list) adds one entry per distinct list, and the code has a
 * handful; the cache goes with its connection.
 */
export function prepared(db: Db, sql: string): Statement {
  let statements = byConnection.get(db);
  if (statements === undefined) {
    statements = new Map();
    byConnection.set(db, statements);
  }
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
