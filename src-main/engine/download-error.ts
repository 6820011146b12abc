import type { ErrorCode } from '../contract/error-codes.js';

/**
 * A failed attempt, already classified: the retry policy only looks at `transient`, the user
 * sees `message`, scripts see `code`. `retryAfterMs` carries a server's Retry-After.
 */
export class DownloadError extends Error {
  readonly code: ErrorCode;
  readonly transient: boolean;
  readonly retryAfterMs: number | null;
  /** The HTTP status it came from, when it came from one: a 403 after bytes were received means an expired link. */
  readonly status: number | null;

  constructor(
    code: ErrorCode,
    message: string,
    options: { transient: boolean; retryAfterMs?: number | null; cause?: unknown; status?: number | null },
  ) {
    super(message, { cause: options.cause });
    this.name = 'DownloadError';
    this.code = code;
    this.transient = options.transient;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.status = options.status ?? null;
  }
}

export const transientError = (code: ErrorCode, message: string, cause?: unknown): DownloadError =>
  new DownloadError(code, message, { transient: true, cause });

export const permanentError = (code: ErrorCode, message: string, cause?: unknown): DownloadError =>
  new DownloadError(code, message, { transient: false, cause });
