import type { Migration } from './migration.js';

export const initial: Migration = {
  version: 1,
  name: 'downloads, attempts and settings',
  sql: `
    CREATE TABLE downloads (
      id TEXT PRIMARY KEY,
      source TEXT NOT NULL,
      filename TEXT NOT NULL,
      filename_from_user INTEGER NOT NULL DEFAULT 0,
      dest_dir TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN
        ('queued', 'downloading', 'retrying', 'paused', 'completed', 'failed', 'cancelled')),
      total_bytes INTEGER,
      downloaded_bytes INTEGER NOT NULL DEFAULT 0,
      failed_count INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL,
      next_retry_at INTEGER,
      error_code TEXT,
      error_message TEXT,
      notice TEXT,
      etag TEXT,
      last_modified TEXT,
      expected_sha256 TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      completed_at INTEGER
    ) STRICT;
    CREATE INDEX downloads_by_status ON downloads (status);

    CREATE TABLE attempts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      download_id TEXT NOT NULL REFERENCES downloads (id) ON DELETE CASCADE,
      number INTEGER NOT NULL,
      started_at INTEGER NOT NULL,
      ended_at INTEGER,
      offset_from INTEGER NOT NULL,
      offset_to INTEGER,
      error_code TEXT,
      error_message TEXT
    ) STRICT;
    CREATE INDEX attempts_by_download ON attempts (download_id, id);

    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `,
};
