/** One numbered schema step; `version` becomes PRAGMA user_version once its SQL has run. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
