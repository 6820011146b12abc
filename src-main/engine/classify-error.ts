import { DownloadError, permanentError, transientError } from './download-error.js';
import { parseRetryAfter } from './retry-policy.js';

/**
 * Error classification (DESIGN.md §3) as pure functions of what an error carries, so the
 * rules are unit-tested without sockets and every source (got, the S3 SDK, fs) shares them.
 */

interface ErrorLike {
  code?: unknown;
}

const errorCode = (error: unknown): string | undefined => {
  const code = (error as ErrorLike | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const TLS_CODE = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** A failure of the connection or the request itself (no HTTP status to judge by). */
export function classifyNetworkError(error: unknown, host: string): DownloadError {
  if (error instanceof DownloadError) return error;
  const code = errorCode(error);
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return transientError('CONNECTION_RESET', `Connection to ${host} was lost`, error);
    case 'ECONNREFUSED':
      return transientError('CONNECTION_REFUSED', `Connection refused by ${host}`, error);
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return transientError('CONNECTION_TIMEOUT', `Network timeout talking to ${host}`, error);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return transientError('DNS_FAILURE', `Could not resolve host ${host}`, error);
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'ENETDOWN':
    case 'EHOSTDOWN':
      return transientError('NETWORK_UNREACHABLE', `Network unreachable (${host})`, error);
    case 'ERR_TOO_MANY_REDIRECTS':
      return permanentError('TOO_MANY_REDIRECTS', `Too many redirects from ${host}`, error);
    case 'ERR_UNSUPPORTED_PROTOCOL':
      return permanentError(
        'UNSUPPORTED_SCHEME',
        `${host} redirected to an address that is not http:// or https://`,
        error,
      );
    case 'ERR_INVALID_URL':
      return permanentError('BAD_URL', 'The download address is not a valid URL', error);
  }
  if (code !== undefined && TLS_CODE.test(code)) {
    return permanentError('TLS_ERROR', `Secure connection to ${host} failed (${code})`, error);
  }
  // Only the code, never the error's own message: it may quote the URL with its signed query.
  const detail = code === undefined ? '' : ` (${code})`;
  return transientError('NETWORK_ERROR', `Network error talking to ${host}${detail}`, error);
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  410: 'Gone',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const statusLabel = (status: number): string =>
  STATUS_TEXT[status] ? `HTTP ${status} ${STATUS_TEXT[status]}` : `HTTP ${status}`;

/** An HTTP response that is not one a download can use. */
export function classifyHttpStatus(
  status: number,
  retryAfter: string | undefined,
  nowMs: number,
): DownloadError {
  const label = statusLabel(status);
  const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
  const retry = (code: 'REQUEST_TIMEOUT' | 'RATE_LIMITED' | 'SERVER_ERROR', message: string) =>
    new DownloadError(code, message, { transient: true, retryAfterMs });
  switch (status) {
    case 408:
      return retry('REQUEST_TIMEOUT', `The server timed out waiting for the request (${label})`);
    case 425:
    case 429:
      return retry('RATE_LIMITED', `The server asked to slow down (${label})`);
    case 500:
    case 502:
    case 503:
    case 504:
      return retry('SERVER_ERROR', `Temporary server error (${label})`);
    case 401:
      return permanentError('UNAUTHORIZED', `The server requires a login (${label})`);
    case 403:
      return permanentError('ACCESS_DENIED', `Access denied (${label})`);
    case 404:
    case 410:
      return permanentError('NOT_FOUND', `File not found on the server (${label})`);
  }
  if (status >= 500) return permanentError('BAD_RESPONSE', `The server cannot serve this download (${label})`);
  if (status >= 400) return permanentError('HTTP_CLIENT_ERROR', `The server refused the request (${label})`);
  return permanentError('BAD_RESPONSE', `Unexpected response from the server (${label})`);
}

/** A local file-system failure: permanent, with the partial kept for a later Restart. */
export function classifyDiskError(error: unknown, path: string): DownloadError {
  if (error instanceof DownloadError) return error;
  switch (errorCode(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return permanentError('DISK_FULL', `Disk full: could not write ${path}`, error);
    case 'EACCES':
    case 'EPERM':
      return permanentError('DISK_PERMISSION_DENIED', `Permission denied: cannot write ${path}`, error);
    case 'EROFS':
      return permanentError('DISK_READ_ONLY', `The disk is read-only: cannot write ${path}`, error);
  }
  const code = errorCode(error) ?? 'unknown error';
  return permanentError('DISK_ERROR', `Could not write ${path} (${code})`, error);
}
