import type { Migration } from './migration.js';

export const connectionLimits: Migration = {
  version: 5,
  name: 'connection retries per attempt, and the connection limits learned per host',
  sql: `
    ALTER TABLE attempts ADD COLUMN connection_retries INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE hosts (
      host TEXT PRIMARY KEY,
      max_connections INTEGER NOT NULL CHECK (max_connections >= 1),
      learned_at INTEGER NOT NULL
    ) STRICT;
  `,
};
