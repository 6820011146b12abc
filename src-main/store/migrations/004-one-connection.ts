import type { Migration } from './migration.js';

export const oneConnection: Migration = {
  version: 4,
  name: 'downloads whose server mishandles byte ranges',
  sql: `ALTER TABLE downloads ADD COLUMN one_connection INTEGER NOT NULL DEFAULT 0;`,
};
