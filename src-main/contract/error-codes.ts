/**
 * Stable error codes. Every failure a user can see carries one of these beside its human
 * message, so scripts and the UI can react to the kind of failure without parsing text.
 */
export const ERROR_CODES = [
  // Usually transient (retried); the classification beside each error decides, not the code.
  'CONNECTION_RESET',
  'CONNECTION_REFUSED',
  'CONNECTION_TIMEOUT',
  'STALLED',
  'DNS_FAILURE',
  'NETWORK_UNREACHABLE',
  'SHORT_BODY',
  'BODY_TOO_LONG',
  'REQUEST_TIMEOUT',
  'RATE_LIMITED',
  'SERVER_ERROR',
  'NETWORK_ERROR',
  'CLOCK_SKEW',
  'PROXY_UNREACHABLE',
  'PROXY_ERROR',
  // Usually permanent: they would repeat on every attempt.
  'NOT_FOUND',
  'ACCESS_DENIED',
  'UNAUTHORIZED',
  'HTTP_CLIENT_ERROR',
  'BAD_URL',
  'CREDENTIALS_MISSING',
  'UNSUPPORTED_SCHEME',
  'TOO_MANY_REDIRECTS',
  'INSECURE_REDIRECT',
  'TLS_ERROR',
  'CA_FILE_ERROR',
  'PROXY_AUTH_REQUIRED',
  'BAD_RESPONSE',
  'DISK_FULL',
  'NOT_ENOUGH_SPACE',
  'DISK_PERMISSION_DENIED',
  'DISK_READ_ONLY',
  'DISK_ERROR',
  'PARTIAL_NOT_OURS',
  // The link no longer gives the file whose bytes are kept: a web page, 401/403/410 after bytes.
  'LINK_EXPIRED',
  // The link gives another file (size or version) than the bytes kept.
  'FILE_CHANGED',
  'CHECKSUM_MISMATCH',
  'CANCELLED',
  'INTERNAL_ERROR',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes of refused calls: bad arguments, unknown ids, wrong states, and the transports' own. */
export const API_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'INVALID_STATE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL_ERROR',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** What every transport returns for a refused call. */
export interface ApiError {
  code: ApiErrorCode;
  message: string;
}
