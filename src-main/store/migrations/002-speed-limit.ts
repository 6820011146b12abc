import type { Migration } from './migration.js';

export const speedLimit: Migration = {
  version: 2,
  name: 'per-download speed limit',
  sql: `ALTER TABLE downloads ADD COLUMN speed_limit INTEGER;`,
};
