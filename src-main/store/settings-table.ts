import type { Db } from './database.js';
import { prepared } from './statements.js';

export function readSettings(db: Db): Record<string, unknown> {
  const rows = prepared(db, 'SELECT key, value FROM settings').all() as { key: string; value: string }[];
  return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
}

export function writeSettings(db: Db, values: Record<string, unknown>): void {
  const upsert = prepared(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const [key, value] of Object.entries(values)) upsert.run(key, JSON.stringify(value));
  })();
}
