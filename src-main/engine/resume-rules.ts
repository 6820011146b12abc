import type { NoticeCode } from '../contract/notice-codes.js';
import type { OpenResult, Validator } from './byte-source.js';

/**
 * Why a download starts again from byte 0 (ARCHITECTURE.md §4 "Resume rules"). Codes, so that
 * the rules are tested as data and every message is derived in one place.
 */
export type RestartReason =
  /** Neither ETag nor Last-Modified was recorded: nothing proves the bytes on disk are this file's. */
  | 'NO_VALIDATOR'
  /** A ranged request was answered with the whole, unchanged file. */
  | 'RANGES_IGNORED'
  /** A range came back encoded (gzip…): its offsets are not the file's. */
  | 'ENCODED'
  /** A range came back, but not the one asked for (or one that cannot be read). */
  | 'WRONG_RANGE'
  /** 416 below the known end of a file of the same size: the server refuses bytes it has. */
  | 'RANGE_GONE';

/**
 * Why a response is not this file at all (ARCHITECTURE.md §4 "Not this file"): the partial is
 * left as it is and the download fails until the user gives a fresh link or chooses Restart.
 */
export type Refusal =
  /** A web page (text/html) answered for a file that is not one: a login or expired-link page. */
  | { reason: 'WEB_PAGE' }
  /** The server refused access to a file it served before: 401, 403 or 410. */
  | { reason: 'ACCESS_REFUSED'; status: number }
  /** Another size than the one recorded. */
  | { reason: 'SIZE_CHANGED'; was: number; now: number }
  /** Another validator, or S3 refused `IfMatch`. */
  | { reason: 'FILE_CHANGED' };

/** What a ranged request asked for: the byte the partial continues from, and what is recorded of the file. */
export interface Ask {
  offset: number;
  total: number | null;
  validator: Validator;
  /** The file itself is a web page (its name says so): a page in answer is then no sign of a dead link. */
  webPage: boolean;
}

export type Verdict =
  /** The body belongs at `ask.offset`: append it. */
  | { action: 'continue' }
  /** Every byte is already in the partial. */
  | { action: 'complete' }
  /** From byte 0: with this response's body when it is the whole file, else with a new request for it. */
  | { action: 'restart'; reason: RestartReason; useBody: boolean }
  /** Not this file: nothing of the response is used and the partial stays as it is. */
  | { action: 'refuse'; refusal: Refusal };

const hasValidator = (v: Validator): boolean => v.etag !== null || v.lastModified !== null;

/** The strongest validator both sides have decides; with none in common, nothing says it changed. */
export function sameVersion(recorded: Validator, current: Validator): boolean {
  if (recorded.etag !== null && current.etag !== null) return recorded.etag === current.etag;
  if (recorded.lastModified !== null && current.lastModified !== null) return recorded.lastModified === current.lastModified;
  return true;
}

/**
 * Before a request: may the partial be continued at `ask.offset` at all? Like Chrome, without a
 * validator nothing proves the bytes on disk belong to the file the server has now, and a
 * same-sized changed file would be spliced silently.
 */
export function mayResume(ask: Pick<Ask, 'offset' | 'validator'>): RestartReason | null {
  return ask.offset > 0 && !hasValidator(ask.validator) ? 'NO_VALIDATOR' : null;
}

const WEB_PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** The response says its body is a web page. */
export const isWebPage = (contentType: string | null): boolean => contentType !== null && WEB_PAGE_TYPES.has(contentType);

const refuse = (refusal: Refusal): Verdict => ({ action: 'refuse', refusal });

/** Another size or another version than the bytes on disk belong to, or null when nothing says so. */
function otherFile(ask: Ask, total: number | null, validator: Validator): Refusal | null {
  if (ask.total !== null && total !== null && total !== ask.total) return { reason: 'SIZE_CHANGED', was: ask.total, now: total };
  return sameVersion(ask.validator, validator) ? null : { reason: 'FILE_CHANGED' };
}

/**
 * After a ranged request: what its response means for the partial. Pure, so every rule is a
 * table row in a test. A response that is another file is refused, never used to start again:
 * a link that expired or now points elsewhere would otherwise overwrite what was downloaded.
 */
export function judgeResponse(ask: Ask, response: OpenResult): Verdict {
  switch (response.kind) {
    case 'whole': {
      if (isWebPage(response.contentType) && !ask.webPage) return refuse({ reason: 'WEB_PAGE' });
      const other = otherFile(ask, response.total, response.validator);
      return other !== null ? refuse(other) : { action: 'restart', reason: 'RANGES_IGNORED', useBody: true };
    }
    case 'changed':
      return refuse({ reason: 'FILE_CHANGED' });
    case 'unsatisfiable':
      if (ask.total !== null && response.total !== null && response.total !== ask.total) {
        return refuse({ reason: 'SIZE_CHANGED', was: ask.total, now: response.total });
      }
      return ask.total !== null && ask.offset === ask.total ? { action: 'complete' } : { action: 'restart', reason: 'RANGE_GONE', useBody: false };
    case 'partial': {
      if (response.encoded) return { action: 'restart', reason: 'ENCODED', useBody: false };
      if (isWebPage(response.contentType) && !ask.webPage) return refuse({ reason: 'WEB_PAGE' });
      if (response.first !== ask.offset) return { action: 'restart', reason: 'WRONG_RANGE', useBody: false };
      const other = otherFile(ask, response.total, response.validator);
      return other !== null ? refuse(other) : { action: 'continue' };
    }
  }
}

/** A notice as the download records it: the code the window translates, and the engine's English. */
export interface Notice {
  notice: string;
  notice_code: NoticeCode;
}

const WHY: Record<RestartReason, { words: string; code: NoticeCode }> = {
  NO_VALIDATOR: { words: 'The server gives no way to check that the file is unchanged', code: 'RESTART_NO_VALIDATOR' },
  RANGES_IGNORED: { words: 'The server does not support resuming', code: 'RESTART_RANGES_IGNORED' },
  ENCODED: { words: 'The server does not support resuming', code: 'RESTART_ENCODED' },
  WRONG_RANGE: { words: 'The server answered the resume request with the wrong byte range', code: 'RESTART_WRONG_RANGE' },
  RANGE_GONE: { words: 'The server no longer has the bytes already downloaded', code: 'RESTART_RANGE_GONE' },
};

/** The notice shown when a download starts again from 0. */
export function restartNotice(reason: RestartReason): Notice {
  const { words, code } = WHY[reason];
  return { notice: `${words}; downloading again from the start.`, notice_code: code };
}

/**
 * Reasons that say the server cannot serve byte ranges properly, whatever it claims: the
 * download goes on over one connection, never split again. Only a missing validator does not.
 */
export const breaksRanges = (reason: RestartReason): boolean => reason !== 'NO_VALIDATOR';

// A missing validator never splits a download again (breaksRanges); it reads as an ignored range.
const MISHANDLED: Record<RestartReason, { what: string; code: NoticeCode }> = {
  NO_VALIDATOR: { what: 'ignored a byte-range request', code: 'ONE_CONNECTION_RANGES_IGNORED' },
  RANGES_IGNORED: { what: 'ignored a byte-range request', code: 'ONE_CONNECTION_RANGES_IGNORED' },
  ENCODED: { what: 'sent a byte range encoded', code: 'ONE_CONNECTION_ENCODED' },
  WRONG_RANGE: { what: 'answered a byte-range request with the wrong range', code: 'ONE_CONNECTION_WRONG_RANGE' },
  RANGE_GONE: { what: 'refused a byte range of the file', code: 'ONE_CONNECTION_RANGE_GONE' },
};

/**
 * The notice shown when a split download starts again over one connection. The host is in the
 * English only: the translated sentence says "the server" (ARCHITECTURE.md §7 "Languages").
 */
export function oneConnectionNotice(reason: RestartReason, host: string): Notice {
  const { what, code } = MISHANDLED[reason];
  return { notice: `${host} ${what}; downloading again over one connection from the start.`, notice_code: code };
}
