import type { Migration } from './migration.js';

export const noticeAndStopCodes: Migration = {
  version: 8,
  name: 'codes for a download’s notice and for an attempt that stopped without an error, to say them in the window’s language',
  // Rows from before stay null: the window shows their English text as it always did.
  sql: `
    ALTER TABLE downloads ADD COLUMN notice_code TEXT;
    ALTER TABLE attempts ADD COLUMN stop_code TEXT;
  `,
};
