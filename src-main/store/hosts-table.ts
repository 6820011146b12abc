import type { HostLimit } from '../engine/download-store.js';
import type { Db } from './database.js';
import { prepared } from './statements.js';

export function getHostLimit(db: Db, host: string): HostLimit | null {
  const row = prepared(db, 'SELECT max_connections, learned_at FROM hosts WHERE host = ?').get(host) as HostLimit | undefined;
  return row ?? null;
}

export function setHostLimit(db: Db, host: string, limit: HostLimit): void {
  prepared(
    db,
    `INSERT INTO hosts (host, max_connections, learned_at) VALUES (@host, @max_connections, @learned_at)
     ON CONFLICT (host) DO UPDATE SET max_connections = excluded.max_connections, learned_at = excluded.learned_at`,
  ).run({ host, ...limit });
}
