import type { ApiError, ApiErrorCode } from './error-codes.js';

/** A call refused before it changed anything: bad arguments, an unknown id, or a wrong state. */
export class ApiRequestError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.code = code;
  }

  toJSON(): ApiError {
    return { code: this.code, message: this.message };
  }
}
