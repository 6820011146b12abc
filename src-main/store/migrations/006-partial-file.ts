import type { Migration } from './migration.js';

export const partialFile: Migration = {
  version: 6,
  name: 'the identity (device, inode, birth time) of the partial file each download created',
  sql: `ALTER TABLE downloads ADD COLUMN partial_file TEXT;`,
};
