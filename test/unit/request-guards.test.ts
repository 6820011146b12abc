import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import { toApiError } from '../../src-main/server/api-errors.js';
import { hasToken, hostName, isAllowedHost, isSameOrigin } from '../../src-main/server/request-guards.js';

describe('request guards', () => {
  const allowed = new Set(['127.0.0.1', 'localhost', '::1']);

  it('reads host names from Host headers', () => {
    expect(hostName('LocalHost:4000')).toBe('localhost');
    expect(hostName('[::1]:4000')).toBe('::1');
    expect(hostName('[::1]')).toBe('::1');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
  });

  it('allows only names of this machine', () => {
    expect(isAllowedHost('127.0.0.1:4000', allowed)).toBe(true);
    expect(isAllowedHost('localhost', allowed)).toBe(true);
    expect(isAllowedHost('[::1]:80', allowed)).toBe(true);
    expect(isAllowedHost('evil.example:4000', allowed)).toBe(false);
    expect(isAllowedHost('localhost.evil.example', allowed)).toBe(false);
    expect(isAllowedHost(undefined, allowed)).toBe(false);
  });

  it('allows no Origin (scripts) or our own, nothing else', () => {
    expect(isSameOrigin(undefined, '127.0.0.1:4000')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:4000', '127.0.0.1:4000')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:4001', '127.0.0.1:4000')).toBe(false);
    expect(isSameOrigin('null', '127.0.0.1:4000')).toBe(false);
    expect(isSameOrigin('https://evil.example', '127.0.0.1:4000')).toBe(false);
  });

  it('checks the bearer token exactly', () => {
    expect(hasToken('Bearer abc123', 'abc123')).toBe(true);
    expect(hasToken('Bearer abc1234', 'abc123')).toBe(false);
    expect(hasToken('Bearer abc12', 'abc123')).toBe(false);
    expect(hasToken('bearer abc123', 'abc123')).toBe(false);
    expect(hasToken('Bearer  abc123', 'abc123')).toBe(false);
    expect(hasToken(undefined, 'abc123')).toBe(false);
  });

  it('maps errors to statuses, never exposing an unexpected error', () => {
    expect(toApiError(new ApiRequestError('INVALID_STATE', 'no'))).toEqual({ status: 409, body: { error: { code: 'INVALID_STATE', message: 'no' } } });
    expect(toApiError(new ApiRequestError('NOT_FOUND', 'gone')).status).toBe(404);
    expect(toApiError(Object.assign(new Error('Body is too large'), { statusCode: 413 })).body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(toApiError(Object.assign(new Error("Unexpected token '{'"), { statusCode: 400 })).status).toBe(400);
    expect(toApiError(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 })).status).toBe(400);
    expect(toApiError(new Error('SQLITE_CORRUPT at /secret/path'))).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL_ERROR', message: 'Internal error; see the server log' } },
    });
  });
});
