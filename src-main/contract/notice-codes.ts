/**
 * Stable codes for what the engine says in English without an error code, so each front end can
 * say it in its own language (ARCHITECTURE.md §7 "Languages"). The English text stays beside the
 * code: it names the host, and rows written before the codes existed have only the text.
 */

/** A download's notice: something the user should know that is not an error. */
export const NOTICE_CODES = [
  // Starting again from 0, for each RestartReason (ARCHITECTURE.md §4 "Resume rules").
  'RESTART_NO_VALIDATOR',
  'RESTART_RANGES_IGNORED',
  'RESTART_ENCODED',
  'RESTART_WRONG_RANGE',
  'RESTART_RANGE_GONE',
  // Starting again from 0 over one connection: the server mishandled byte ranges (§5).
  'ONE_CONNECTION_RANGES_IGNORED',
  'ONE_CONNECTION_ENCODED',
  'ONE_CONNECTION_WRONG_RANGE',
  'ONE_CONNECTION_RANGE_GONE',
  // Change link on a partial that nothing can check against the new link.
  'NEW_LINK_UNCHECKED',
] as const;
export type NoticeCode = (typeof NOTICE_CODES)[number];

/** Why an attempt ended without an error and without completing: no attempt was spent. */
export const STOP_CODES = [
  'PAUSED',
  'CANCELLED',
  'SHUTDOWN',
  'SCHEDULE',
  // A transient failure while the computer slept: the sleep cut it, not the server.
  'SLEPT',
  // The server mishandled byte ranges: the download starts again at once over one connection.
  'ONE_CONNECTION',
] as const;
export type StopCode = (typeof STOP_CODES)[number];
