import { ApiRequestError } from '../contract/api-error.js';
import type { ApiError, ApiErrorCode } from '../contract/error-codes.js';

const STATUS: Record<ApiErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  INTERNAL_ERROR: 500,
};

interface HttpErrorLike {
  statusCode?: unknown;
  message?: unknown;
}

/**
 * Any error as the REST API's `{error: {code, message}}` and its status. Framework errors
 * (bad JSON, a body over the limit) keep their 4xx; anything unexpected is a 500 whose
 * message says nothing about the server's insides.
 */
export function toApiError(error: unknown): { status: number; body: { error: ApiError } } {
  if (error instanceof ApiRequestError) {
    return { status: STATUS[error.code], body: { error: error.toJSON() } };
  }
  const { statusCode, message } = (error ?? {}) as HttpErrorLike;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code: ApiErrorCode = statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : statusCode === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT';
    const text = statusCode === 413 ? 'The request body is larger than 64 KiB' : typeof message === 'string' ? message : 'Bad request';
    return { status: statusCode === 413 || statusCode === 404 ? statusCode : 400, body: { error: { code, message: text } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal error; see the server log' } } };
}

export const apiError = (code: ApiErrorCode, message: string) => new ApiRequestError(code, message);
