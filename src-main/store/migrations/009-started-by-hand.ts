import type { Migration } from './migration.js';

export const startedByHand = {
  version: 9,
  name: 'started by hand outside the queue’s schedule, kept across restarts',
  // Rows from before start as not marked: they wait for the window, as they did after a restart.
  sql: `ALTER TABLE downloads ADD COLUMN started_by_hand INTEGER NOT NULL DEFAULT 0;`,
} satisfies Migration;
