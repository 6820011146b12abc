import type { Migration } from './migration.js';

export const attemptStory: Migration = {
  version: 7,
  name: 'the byte spans each attempt wrote per connection, and its speed over time (JSON, bounded)',
  sql: `ALTER TABLE attempts ADD COLUMN story TEXT;`,
};
