import type { Migration } from './migration.js';

export const segments: Migration = {
  version: 3,
  name: 'byte ranges of segmented downloads',
  sql: `
    CREATE TABLE segments (
      download_id TEXT NOT NULL REFERENCES downloads (id) ON DELETE CASCADE,
      start INTEGER NOT NULL,
      "end" INTEGER NOT NULL,
      done INTEGER NOT NULL,
      PRIMARY KEY (download_id, start),
      CHECK (start < "end" AND done >= 0 AND done <= "end" - start)
    ) STRICT;
  `,
};
