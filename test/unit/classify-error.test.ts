import { describe, it, expect } from 'vitest';
import {
  classifyS3Error,
  classifyDiskError,
  classifyHttpStatus,
  classifyNetworkError,
  insecureRedirectError,
} from '../../src-main/engine/classify-error.js';
import { DownloadError, permanentError, transientError } from '../../src-main/engine/download-error.js';

const HOST = 'files.example.com:8443';
const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const HINT = '; to trust a private authority, add it with NODE_EXTRA_CA_CERTS or the ca_file setting';

/** An error as node's net/dns/tls layers or got raise it: a message and a `code`. */
function sysError(code: string, message = `${code} https://files.example.com:8443/private/report.pdf?token=s3cr3t`): Error {
  return Object.assign(new Error(message), { code });
}

describe('TLS refusals in words', () => {
  it('a host-name mismatch names the host the certificate is for, as Node or got carry it', () => {
    const node = Object.assign(sysError('ERR_TLS_CERT_ALTNAME_INVALID'), { cert: { subject: { CN: 'leaf' }, subjectaltname: 'DNS:other.example, DNS:www.other.example' } });
    expect(classifyNetworkError(node, HOST).message).toBe('The certificate is for other.example, not files.example.com');
    const wrapped = Object.assign(new Error('wrapped'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID', cause: { cert: { subject: { CN: 'cn.example' } } } });
    expect(classifyNetworkError(wrapped, HOST).message).toBe('The certificate is for cn.example, not files.example.com');
    const ip = Object.assign(sysError('ERR_TLS_CERT_ALTNAME_INVALID'), { cert: { subjectaltname: 'IP Address:10.0.0.1' } });
    expect(classifyNetworkError(ip, '[::1]:8443').message).toBe('The certificate is for 10.0.0.1, not ::1');
  });

  it('never quotes the error message, which may carry the URL', () => {
    const result = classifyNetworkError(sysError('DEPTH_ZERO_SELF_SIGNED_CERT'), '127.0.0.1:18094');
    expect(result.message).toBe(`127.0.0.1 uses a self-signed certificate, which is not trusted${HINT}`);
    expect(result.message).not.toMatch(/token|report/);
  });
});

describe('classifyNetworkError', () => {
  const cases: [string, string, boolean, string][] = [
    ['ECONNRESET', 'CONNECTION_RESET', true, `Connection to ${HOST} was lost`],
    ['EPIPE', 'CONNECTION_RESET', true, `Connection to ${HOST} was lost`],
    ['ECONNABORTED', 'CONNECTION_RESET', true, `Connection to ${HOST} was lost`],
    ['ERR_STREAM_PREMATURE_CLOSE', 'CONNECTION_RESET', true, `Connection to ${HOST} was lost`],
    ['ECONNREFUSED', 'CONNECTION_REFUSED', true, `Connection refused by ${HOST}`],
    ['ETIMEDOUT', 'CONNECTION_TIMEOUT', true, `Network timeout talking to ${HOST}`],
    ['ESOCKETTIMEDOUT', 'CONNECTION_TIMEOUT', true, `Network timeout talking to ${HOST}`],
    ['ENOTFOUND', 'DNS_FAILURE', true, `Could not resolve host ${HOST}`],
    ['EAI_AGAIN', 'DNS_FAILURE', true, `Could not resolve host ${HOST}`],
    ['ENETUNREACH', 'NETWORK_UNREACHABLE', true, `Network unreachable (${HOST})`],
    ['EHOSTUNREACH', 'NETWORK_UNREACHABLE', true, `Network unreachable (${HOST})`],
    ['ERR_TOO_MANY_REDIRECTS', 'TOO_MANY_REDIRECTS', false, `Too many redirects from ${HOST}`],
    [
      'ERR_UNSUPPORTED_PROTOCOL',
      'UNSUPPORTED_SCHEME',
      false,
      `${HOST} redirected to an address that is not http:// or https://`,
    ],
    ['ERR_INVALID_URL', 'BAD_URL', false, 'The download address is not a valid URL'],
    ['HPE_HEADER_OVERFLOW', 'BAD_RESPONSE', false, `The response headers from ${HOST} are larger than 16 KiB`],
    ['Z_BUF_ERROR', 'SHORT_BODY', true, `The compressed body from ${HOST} ended early`],
    ['Z_DATA_ERROR', 'BAD_RESPONSE', true, `The compressed body from ${HOST} is damaged`],
    ['CERT_HAS_EXPIRED', 'TLS_ERROR', false, "The certificate of files.example.com has expired; check this computer's date, or tell the site's owner"],
    ['CERT_NOT_YET_VALID', 'TLS_ERROR', false, "The certificate of files.example.com is not valid yet; check this computer's date"],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS_ERROR', false, `files.example.com uses a self-signed certificate, which is not trusted${HINT}`],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'TLS_ERROR', false, `files.example.com uses a self-signed certificate, which is not trusted${HINT}`],
    [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'TLS_ERROR',
      false,
      `The certificate of files.example.com is signed by an authority this computer does not trust${HINT}`,
    ],
    [
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'TLS_ERROR',
      false,
      `The certificate of files.example.com is signed by an authority this computer does not trust${HINT}`,
    ],
    // Without the certificate on the error, the other name cannot be said.
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS_ERROR', false, 'The certificate of files.example.com is for another host'],
    ['CERT_SIGNATURE_FAILURE', 'TLS_ERROR', false, `The secure connection to files.example.com failed: its certificate was refused (CERT_SIGNATURE_FAILURE)${HINT}`],
    ['EWHATEVER', 'NETWORK_ERROR', true, `Network error talking to ${HOST} (EWHATEVER)`],
    ['ERR_GOT_REQUEST_ERROR', 'NETWORK_ERROR', true, `Network error talking to ${HOST} (ERR_GOT_REQUEST_ERROR)`],
  ];

  it.each(cases)('%s → %s (transient %s)', (code, expectedCode, transient, message) => {
    const cause = sysError(code);
    const result = classifyNetworkError(cause, HOST);
    expect(result).toBeInstanceOf(DownloadError);
    expect(result.code).toBe(expectedCode);
    expect(result.transient).toBe(transient);
    expect(result.message).toBe(message);
    expect(result.retryAfterMs).toBeNull();
    expect(result.cause).toBe(cause);
  });

  it.each(cases)('the message for %s never carries the URL path or query', (code) => {
    const { message } = classifyNetworkError(sysError(code), HOST);
    expect(message).not.toContain('/private');
    expect(message).not.toContain('report.pdf');
    expect(message).not.toContain('token');
    expect(message).not.toContain('s3cr3t');
    expect(message).not.toContain('?');
  });

  it('names the host in every message that is about a host (certificates name it without the port)', () => {
    for (const [code, expectedCode] of cases.filter(([code]) => code !== 'ERR_INVALID_URL')) {
      expect(classifyNetworkError(sysError(code), HOST).message).toContain(expectedCode === 'TLS_ERROR' ? 'files.example.com' : HOST);
    }
  });

  it('without a code, says only "network error": an error\'s own message may quote a signed URL', () => {
    expect(classifyNetworkError({}, 'h').message).toBe('Network error talking to h');
    expect(classifyNetworkError(null, 'h').message).toBe('Network error talking to h');
    expect(classifyNetworkError(undefined, 'h').code).toBe('NETWORK_ERROR');
    expect(classifyNetworkError({ code: 42 }, 'h').message).toBe('Network error talking to h');
    const leaky = classifyNetworkError(new Error('GET https://h.example/secret/path?token=abc failed'), 'h.example');
    expect(leaky.message).toBe('Network error talking to h.example');
  });

  it('passes a DownloadError through unchanged', () => {
    const stalled = transientError('STALLED', 'No data for 30 seconds');
    expect(classifyNetworkError(stalled, HOST)).toBe(stalled);
    const permanent = permanentError('CANCELLED', 'Cancelled');
    expect(classifyNetworkError(permanent, HOST)).toBe(permanent);
  });
});

describe('insecureRedirectError', () => {
  it('is permanent INSECURE_REDIRECT naming both hosts, never the path, query or credentials', () => {
    const error = insecureRedirectError(HOST, new URL('http://user:pw@mirror.example.net:8080/private/report.pdf?token=s3cr3t#x'));
    expect([error.code, error.transient]).toEqual(['INSECURE_REDIRECT', false]);
    expect(error.message).toBe(
      `${HOST} redirected a secure link to an insecure one (http://mirror.example.net:8080/…); allow insecure redirects in the settings to follow it`,
    );
  });
});

describe('classifyHttpStatus', () => {
  const cases: [number, string, boolean, string][] = [
    [401, 'UNAUTHORIZED', false, 'The server requires a login (HTTP 401 Unauthorized)'],
    [403, 'ACCESS_DENIED', false, 'Access denied (HTTP 403 Forbidden)'],
    [404, 'NOT_FOUND', false, 'File not found on the server (HTTP 404 Not Found)'],
    [410, 'NOT_FOUND', false, 'File not found on the server (HTTP 410 Gone)'],
    [400, 'HTTP_CLIENT_ERROR', false, 'The server refused the request (HTTP 400)'],
    [405, 'HTTP_CLIENT_ERROR', false, 'The server refused the request (HTTP 405)'],
    [451, 'HTTP_CLIENT_ERROR', false, 'The server refused the request (HTTP 451)'],
    [408, 'REQUEST_TIMEOUT', true, 'The server timed out waiting for the request (HTTP 408 Request Timeout)'],
    [425, 'RATE_LIMITED', true, 'The server asked to slow down (HTTP 425 Too Early)'],
    [429, 'RATE_LIMITED', true, 'The server asked to slow down (HTTP 429 Too Many Requests)'],
    [500, 'SERVER_ERROR', true, 'Temporary server error (HTTP 500 Internal Server Error)'],
    [502, 'SERVER_ERROR', true, 'Temporary server error (HTTP 502 Bad Gateway)'],
    [503, 'SERVER_ERROR', true, 'Temporary server error (HTTP 503 Service Unavailable)'],
    [504, 'SERVER_ERROR', true, 'Temporary server error (HTTP 504 Gateway Timeout)'],
    [501, 'BAD_RESPONSE', false, 'The server cannot serve this download (HTTP 501)'],
    [505, 'BAD_RESPONSE', false, 'The server cannot serve this download (HTTP 505)'],
    [304, 'BAD_RESPONSE', false, 'Unexpected response from the server (HTTP 304)'],
  ];

  it.each(cases)('HTTP %i → %s (transient %s)', (status, code, transient, message) => {
    const result = classifyHttpStatus(status, undefined, NOW);
    expect(result).toBeInstanceOf(DownloadError);
    expect(result.code).toBe(code);
    expect(result.transient).toBe(transient);
    expect(result.message).toBe(message);
    expect(result.retryAfterMs).toBeNull();
  });

  it('carries a 429 Retry-After in seconds as retryAfterMs', () => {
    const result = classifyHttpStatus(429, '120', NOW);
    expect(result.code).toBe('RATE_LIMITED');
    expect(result.transient).toBe(true);
    expect(result.retryAfterMs).toBe(120_000);
  });

  it('carries a 503 Retry-After HTTP-date as milliseconds from now', () => {
    const result = classifyHttpStatus(503, 'Tue, 01 Jan 2030 00:01:00 GMT', NOW);
    expect(result.code).toBe('SERVER_ERROR');
    expect(result.transient).toBe(true);
    expect(result.retryAfterMs).toBe(60_000);
  });

  it('ignores an unparsable or past Retry-After', () => {
    expect(classifyHttpStatus(429, 'later', NOW).retryAfterMs).toBeNull();
    expect(classifyHttpStatus(503, 'Mon, 31 Dec 2029 23:00:00 GMT', NOW).retryAfterMs).toBeNull();
  });

  it('does not attach Retry-After to a permanent status', () => {
    const result = classifyHttpStatus(404, '120', NOW);
    expect(result.transient).toBe(false);
    expect(result.retryAfterMs).toBeNull();
  });
});

describe('classifyDiskError', () => {
  const file = '/home/u/Downloads/movie.mp4.partial';

  it('ENOSPC is a permanent "Disk full" error naming the file', () => {
    const cause = sysError('ENOSPC', 'ENOSPC: no space left on device, write');
    const result = classifyDiskError(cause, file);
    expect(result.code).toBe('DISK_FULL');
    expect(result.transient).toBe(false);
    expect(result.message).toBe(`Disk full: could not write ${file}`);
    expect(result.cause).toBe(cause);
  });

  it('EDQUOT (quota exceeded) counts as disk full', () => {
    expect(classifyDiskError(sysError('EDQUOT'), file).code).toBe('DISK_FULL');
  });

  it('EACCES and EPERM are permission errors', () => {
    for (const code of ['EACCES', 'EPERM']) {
      const result = classifyDiskError(sysError(code), file);
      expect(result.code).toBe('DISK_PERMISSION_DENIED');
      expect(result.transient).toBe(false);
      expect(result.message).toBe(`Permission denied: cannot write ${file}`);
    }
  });

  it('EROFS is a read-only disk', () => {
    const result = classifyDiskError(sysError('EROFS'), file);
    expect(result.code).toBe('DISK_READ_ONLY');
    expect(result.transient).toBe(false);
    expect(result.message).toBe(`The disk is read-only: cannot write ${file}`);
  });

  it('anything else is a permanent DISK_ERROR with its code', () => {
    const result = classifyDiskError(sysError('EIO'), file);
    expect(result.code).toBe('DISK_ERROR');
    expect(result.transient).toBe(false);
    expect(result.message).toBe(`Could not write ${file} (EIO)`);
    expect(classifyDiskError(new Error('boom'), file).message).toBe(`Could not write ${file} (unknown error)`);
  });

  it('passes a DownloadError through unchanged', () => {
    const mismatch = permanentError('CHECKSUM_MISMATCH', 'SHA-256 does not match');
    expect(classifyDiskError(mismatch, file)).toBe(mismatch);
  });
});

describe('classifyS3Error', () => {
  const where = { bucket: 'media', key: 'videos/a.mp4', host: 's3.example' };
  const sdkError = (name: string, status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`canned ${name}`), { name, $metadata: { httpStatusCode: status }, $response: { headers } });

  const cases: [string, number, string, boolean, string][] = [
    ['NoSuchKey', 404, 'NOT_FOUND', false, "Object 'videos/a.mp4' does not exist in bucket 'media'"],
    ['NoSuchBucket', 404, 'NOT_FOUND', false, "Bucket 'media' does not exist"],
    ['InvalidBucketName', 400, 'BAD_URL', false, "'media' is not a valid bucket name"],
    ['AccessDenied', 403, 'ACCESS_DENIED', false, 'Access denied to s3://media/videos/a.mp4'],
    ['InvalidAccessKeyId', 403, 'UNAUTHORIZED', false, "The S3 access key id is not known to the server (bucket 'media')"],
    ['SignatureDoesNotMatch', 403, 'UNAUTHORIZED', false, "The S3 secret access key does not match the access key id (bucket 'media')"],
    ['ExpiredToken', 400, 'UNAUTHORIZED', false, "The S3 session token has expired (bucket 'media')"],
    ['SlowDown', 503, 'RATE_LIMITED', true, 'S3 asked to slow down (SlowDown) for s3://media/videos/a.mp4'],
    ['ThrottlingException', 400, 'RATE_LIMITED', true, 'S3 asked to slow down (ThrottlingException) for s3://media/videos/a.mp4'],
    ['RequestTimeout', 400, 'REQUEST_TIMEOUT', true, 'S3 timed out waiting for the request (s3://media/videos/a.mp4)'],
    ['InternalError', 500, 'SERVER_ERROR', true, 'Temporary S3 error (InternalError) for s3://media/videos/a.mp4'],
    ['ServiceUnavailable', 503, 'SERVER_ERROR', true, 'Temporary S3 error (ServiceUnavailable) for s3://media/videos/a.mp4'],
    ['RequestTimeTooSkewed', 403, 'CLOCK_SKEW', true, "This computer's clock differs too much from S3's; check the system time"],
  ];
  for (const [name, status, code, transient, message] of cases) {
    it(`${name} → ${code} (${transient ? 'transient' : 'permanent'})`, () => {
      const error = classifyS3Error(sdkError(name, status), where, 0);
      expect([error.code, error.transient, error.message]).toEqual([code, transient, message]);
    });
  }

  it('honours Retry-After on throttling', () => {
    expect(classifyS3Error(sdkError('SlowDown', 503, { 'retry-after': '7' }), where, 0).retryAfterMs).toBe(7000);
  });

  it('falls back to the HTTP status, then to the network rules with the endpoint host', () => {
    expect(classifyS3Error(sdkError('UnknownThing', 502), where, 0).code).toBe('SERVER_ERROR');
    expect(classifyS3Error(sdkError('UnknownThing', 409), where, 0).code).toBe('HTTP_CLIENT_ERROR');
    const refused = classifyS3Error(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), where, 0);
    expect([refused.code, refused.message]).toEqual(['CONNECTION_REFUSED', 'Connection refused by s3.example']);
  });

  it('explains missing credentials without quoting the SDK', () => {
    const error = classifyS3Error(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), where, 0);
    expect(error.code).toBe('CREDENTIALS_MISSING');
    expect(error.transient).toBe(false);
  });
});
