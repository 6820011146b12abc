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
  | 'FILE_CHANGED'
  | 'SIZE_CHANGED'
  /** A range came back, but not the one asked for (or one that cannot be read). */
  | 'WRONG_RANGE'
  /** 416 below the known end of a file of the same size: the server refuses bytes it has. */
  | 'RANGE_GONE';

/** What a ranged request asked for: the byte the partial continues from, and what is recorded of the file. */
export interface Ask {
  offset: number;
  total: number | null;
  validator: Validator;
}

export type Verdict =
  /** The body belongs at `ask.offset`: append it. */
  | { action: 'continue' }
  /** Every byte is already in the partial. */
  | { action: 'complete' }
  /** From byte 0: with this response's body when it is the whole file, else with a new request for it. */
  | { action: 'restart'; reason: RestartReason; useBody: boolean };

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
export function mayResume(ask: Ask): RestartReason | null {
  return ask.offset > 0 && !hasValidator(ask.validator) ? 'NO_VALIDATOR' : null;
}

/** After a ranged request: what its response means for the partial. Pure, so every rule is a table row in a test. */
export function judgeResponse(ask: Ask, response: OpenResult): Verdict {
  switch (response.kind) {
    case 'whole':
      return { action: 'restart', reason: sameVersion(ask.validator, response.validator) ? 'RANGES_IGNORED' : 'FILE_CHANGED', useBody: true };
    case 'changed':
      return { action: 'restart', reason: 'FILE_CHANGED', useBody: false };
    case 'unsatisfiable':
      if (ask.total !== null && response.total !== null && response.total !== ask.total) {
        return { action: 'restart', reason: 'SIZE_CHANGED', useBody: false };
      }
      return ask.total !== null && ask.offset === ask.total ? { action: 'complete' } : { action: 'restart', reason: 'RANGE_GONE', useBody: false };
    case 'partial': {
      const reason: RestartReason | null = response.encoded
        ? 'ENCODED'
        : response.first !== ask.offset
          ? 'WRONG_RANGE'
          : ask.total !== null && response.total !== null && response.total !== ask.total
            ? 'SIZE_CHANGED'
            : !sameVersion(ask.validator, response.validator)
              ? 'FILE_CHANGED'
              : null;
      return reason === null ? { action: 'continue' } : { action: 'restart', reason, useBody: false };
    }
  }
}

const WHY: Record<RestartReason, string> = {
  NO_VALIDATOR: 'The server gives no way to check that the file is unchanged',
  RANGES_IGNORED: 'The server does not support resuming',
  ENCODED: 'The server does not support resuming',
  FILE_CHANGED: 'The file changed on the server',
  SIZE_CHANGED: 'The file size changed on the server',
  WRONG_RANGE: 'The server answered the resume request with the wrong byte range',
  RANGE_GONE: 'The server no longer has the bytes already downloaded',
};

/** The notice shown when a download starts again from 0. */
export const restartNotice = (reason: RestartReason): string => `${WHY[reason]}; downloading again from the start.`;

/**
 * Reasons that say the server cannot serve byte ranges properly, whatever it claims: the
 * download goes on over one connection, never split again. The others say the file changed.
 */
export const breaksRanges = (reason: RestartReason): boolean =>
  reason === 'RANGES_IGNORED' || reason === 'WRONG_RANGE' || reason === 'ENCODED' || reason === 'RANGE_GONE';

/** The notice shown when a split download starts again over one connection. */
export function oneConnectionNotice(reason: RestartReason, host: string): string {
  const what =
    reason === 'WRONG_RANGE'
      ? 'answered a byte-range request with the wrong range'
      : reason === 'ENCODED'
        ? 'sent a byte range encoded'
        : reason === 'RANGE_GONE'
          ? 'refused a byte range of the file'
          : 'ignored a byte-range request';
  return `${host} ${what}; downloading again over one connection from the start.`;
}
