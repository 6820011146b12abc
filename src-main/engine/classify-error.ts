import { DownloadError, permanentError, transientError } from './download-error.js';
import { parseRetryAfter } from './retry-policy.js';
import { TLS_CODE, tlsError } from './tls-error.js';

/**
 * Error classification (ARCHITECTURE.md §3) as pure functions of what an error carries, so the
 * rules are unit-tested without sockets and every source (got, the S3 SDK, fs) shares them.
 */

interface ErrorLike {
  code?: unknown;
}

const errorCode = (error: unknown): string | undefined => {
  const code = (error as ErrorLike | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

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
    case 'Z_BUF_ERROR':
      return transientError('SHORT_BODY', `The compressed body from ${host} ended early`, error);
    case 'Z_DATA_ERROR':
      return transientError('BAD_RESPONSE', `The compressed body from ${host} is damaged`, error);
    case 'HPE_HEADER_OVERFLOW':
      // Node's parser stops at 16 KiB of headers; a server that sends more will send it again.
      return permanentError('BAD_RESPONSE', `The response headers from ${host} are larger than 16 KiB`, error);
  }
  if (code !== undefined && TLS_CODE.test(code)) return tlsError(code, error, host);
  // Only the code, never the error's own message: it may quote the URL with its signed query.
  const detail = code === undefined ? '' : ` (${code})`;
  return transientError('NETWORK_ERROR', `Network error talking to ${host}${detail}`, error);
}

/**
 * An https:// download that a server sent to http://: the bytes would travel in clear, where
 * anyone on the path can swap them. The message names hosts only: the target's path and query
 * may be a signed URL.
 */
export function insecureRedirectError(fromHost: string, to: URL): DownloadError {
  return permanentError(
    'INSECURE_REDIRECT',
    `${fromHost} redirected a secure link to an insecure one (http://${to.host}/…); allow insecure redirects in the settings to follow it`,
  );
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
    new DownloadError(code, message, { transient: true, retryAfterMs, status });
  const refused = (code: 'UNAUTHORIZED' | 'ACCESS_DENIED' | 'NOT_FOUND', message: string) =>
    new DownloadError(code, message, { transient: false, status });
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
      return refused('UNAUTHORIZED', `The server requires a login (${label})`);
    case 403:
      return refused('ACCESS_DENIED', `Access denied (${label})`);
    case 404:
    case 410:
      return refused('NOT_FOUND', `File not found on the server (${label})`);
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

interface S3ErrorLike {
  name?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { headers?: Record<string, string | undefined> };
}

/**
 * An error from the S3 SDK. S3's error code (the SDK puts it in `name`) decides; the message
 * names the bucket and key so the user can see which of them is wrong.
 */
export function classifyS3Error(
  error: unknown,
  where: { bucket: string; key: string; host: string },
  nowMs: number,
): DownloadError {
  const { bucket, key } = where;
  if (error instanceof DownloadError) return error;
  const s3 = (error ?? {}) as S3ErrorLike;
  const name = typeof s3.Code === 'string' ? s3.Code : typeof s3.name === 'string' ? s3.name : '';
  const status = typeof s3.$metadata?.httpStatusCode === 'number' ? s3.$metadata.httpStatusCode : null;
  const object = `s3://${bucket}/${key}`;
  switch (name) {
    case 'NoSuchKey':
    case 'NotFound':
      return permanentError('NOT_FOUND', `Object '${key}' does not exist in bucket '${bucket}'`, error);
    case 'NoSuchBucket':
      return permanentError('NOT_FOUND', `Bucket '${bucket}' does not exist`, error);
    case 'InvalidBucketName':
      return permanentError('BAD_URL', `'${bucket}' is not a valid bucket name`, error);
    case 'AccessDenied':
    case 'AllAccessDisabled':
      return permanentError('ACCESS_DENIED', `Access denied to ${object}`, error);
    case 'InvalidAccessKeyId':
      return permanentError('UNAUTHORIZED', `The S3 access key id is not known to the server (bucket '${bucket}')`, error);
    case 'SignatureDoesNotMatch':
      return permanentError('UNAUTHORIZED', `The S3 secret access key does not match the access key id (bucket '${bucket}')`, error);
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return permanentError('UNAUTHORIZED', `The S3 session token has expired (bucket '${bucket}')`, error);
    case 'CredentialsProviderError':
      return permanentError(
        'CREDENTIALS_MISSING',
        'No S3 credentials found: set an access key in the settings, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an AWS profile',
        error,
      );
    case 'SlowDown':
    case 'Throttling':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
    case 'TooManyRequestsException':
      return new DownloadError('RATE_LIMITED', `S3 asked to slow down (${name}) for ${object}`, {
        transient: true,
        retryAfterMs: parseRetryAfter(s3.$response?.headers?.['retry-after'], nowMs),
        cause: error,
      });
    case 'RequestTimeout':
      return transientError('REQUEST_TIMEOUT', `S3 timed out waiting for the request (${object})`, error);
    case 'InternalError':
    case 'ServiceUnavailable':
      return new DownloadError('SERVER_ERROR', `Temporary S3 error (${name}) for ${object}`, {
        transient: true,
        retryAfterMs: parseRetryAfter(s3.$response?.headers?.['retry-after'], nowMs),
        cause: error,
      });
    case 'RequestTimeTooSkewed':
      return transientError('CLOCK_SKEW', "This computer's clock differs too much from S3's; check the system time", error);
  }
  if (status !== null) return classifyHttpStatus(status, s3.$response?.headers?.['retry-after'], nowMs);
  return classifyNetworkError(error, where.host);
}
