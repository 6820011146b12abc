import { describe, expect, it } from 'vitest';
import { proxyConnectionError, proxyStatusError } from '../../src-main/engine/classify-proxy-error.js';

const proxy = { host: 'proxy.corp:3128', withCredentials: true };
const anonymous = { host: 'proxy.corp:3128', withCredentials: false };
const brief = (error: { code: string; transient: boolean; message: string } | null) =>
  error === null ? null : [error.code, error.transient, error.message];

/** What got throws: its own error with the code, the socket's error as `cause`. */
function gotError(code: string, cause: Record<string, unknown>): Error {
  return Object.assign(new Error(`connect ${code} http://user:secret@proxy.corp:3128/x?sig=1`), { code, cause: Object.assign(new Error(code), { code, ...cause }) });
}

describe('proxyConnectionError', () => {
  it('a refused, unknown or unreachable proxy is PROXY_UNREACHABLE, transient, naming host and port only', () => {
    expect(brief(proxyConnectionError(gotError('ECONNREFUSED', { address: '10.0.0.5', port: 3128 }), proxy, 'files.example.com'))).toEqual([
      'PROXY_UNREACHABLE',
      true,
      'Could not reach the proxy proxy.corp:3128 (connection refused)',
    ]);
    expect(brief(proxyConnectionError(gotError('ENOTFOUND', { hostname: 'proxy.corp' }), proxy, 'files.example.com'))?.[2]).toBe('Could not reach the proxy proxy.corp:3128 (host not found)');
    expect(brief(proxyConnectionError(gotError('ETIMEDOUT', {}), proxy, 'files.example.com'))?.[0]).toBe('PROXY_UNREACHABLE');
    expect(brief(proxyConnectionError(gotError('EHOSTUNREACH', { port: 3128 }), proxy, 'files.example.com'))?.[2]).toMatch(/network unreachable/);
    expect(JSON.stringify(brief(proxyConnectionError(gotError('ECONNREFUSED', {}), proxy, 'files.example.com')))).not.toMatch(/secret|sig=|user/);
  });

  it('leaves alone what is not the proxy: another host or port (a SOCKS proxy resolving here), resets, TLS', () => {
    expect(proxyConnectionError(gotError('ENOTFOUND', { hostname: 'files.example.com' }), proxy, 'files.example.com')).toBeNull();
    expect(proxyConnectionError(gotError('ECONNREFUSED', { port: 443 }), proxy, 'files.example.com')).toBeNull();
    expect(proxyConnectionError(gotError('ECONNRESET', {}), proxy, 'files.example.com')).toBeNull();
    expect(proxyConnectionError(gotError('CERT_HAS_EXPIRED', {}), proxy, 'files.example.com')).toBeNull();
    expect(proxyConnectionError(new Error('no code'), proxy, 'files.example.com')).toBeNull();
  });
});

describe('proxyConnectionError: SOCKS', () => {
  /** The socks client's errors carry no code, only these messages. */
  const socks = (message: string) => Object.assign(new Error('got wrapper'), { cause: new Error(message) });

  it('a refused login is PROXY_AUTH_REQUIRED, permanent; other refusals transient PROXY_ERROR naming both hosts', () => {
    expect(brief(proxyConnectionError(socks('Socks5 Authentication failed'), proxy, 'files.example.com'))).toEqual([
      'PROXY_AUTH_REQUIRED',
      false,
      'The proxy proxy.corp:3128 did not accept its user name and password',
    ]);
    expect(brief(proxyConnectionError(socks('Received invalid Socks5 initial handshake (no accepted authentication type)'), anonymous, 'x'))?.[2]).toBe(
      'The proxy proxy.corp:3128 requires a user name and password',
    );
    expect(brief(proxyConnectionError(socks('Socks5 proxy rejected connection - ConnectionRefused'), proxy, 'files.example.com'))).toEqual([
      'PROXY_ERROR',
      true,
      'The proxy proxy.corp:3128 could not connect to files.example.com',
    ]);
    expect(brief(proxyConnectionError(socks('Socket closed'), proxy, 'files.example.com'))?.slice(0, 2)).toEqual(['PROXY_ERROR', true]);
    expect(proxyConnectionError(socks('something else'), proxy, 'files.example.com')).toBeNull();
  });
});

describe('proxyStatusError', () => {
  it('407 is always the proxy: PROXY_AUTH_REQUIRED, permanent; the message says whether credentials were offered', () => {
    expect(brief(proxyStatusError(407, anonymous, 'files.example.com', false))).toEqual([
      'PROXY_AUTH_REQUIRED',
      false,
      'The proxy proxy.corp:3128 requires a user name and password (HTTP 407)',
    ]);
    expect(brief(proxyStatusError(407, proxy, 'files.example.com', true))?.[2]).toBe('The proxy proxy.corp:3128 did not accept its user name and password (HTTP 407)');
  });

  it('a refused tunnel: 401 is the proxy refusing the login; 5xx transient PROXY_ERROR; others permanent', () => {
    expect(brief(proxyStatusError(500, proxy, 'files.example.com', true))?.slice(0, 2)).toEqual(['PROXY_ERROR', true]);
    expect(brief(proxyStatusError(401, proxy, 'files.example.com', true))?.[0]).toBe('PROXY_AUTH_REQUIRED');
    expect(brief(proxyStatusError(502, proxy, 'files.example.com', true))).toEqual([
      'PROXY_ERROR',
      true,
      'The proxy proxy.corp:3128 could not reach files.example.com (HTTP 502)',
    ]);
    expect(brief(proxyStatusError(504, proxy, 'files.example.com', true))?.[1]).toBe(true);
    expect(brief(proxyStatusError(403, proxy, 'files.example.com', true))).toEqual([
      'PROXY_ERROR',
      false,
      'The proxy proxy.corp:3128 refused to connect to files.example.com (HTTP 403)',
    ]);
  });

  it('on a plain request other statuses are the server\'s (null); a 401 with credentials offered names both, permanent', () => {
    expect(proxyStatusError(502, proxy, 'files.example.com', false)).toBeNull();
    expect(proxyStatusError(404, proxy, 'files.example.com', false)).toBeNull();
    expect(proxyStatusError(401, anonymous, 'files.example.com', false)).toBeNull();
    expect(brief(proxyStatusError(401, proxy, 'files.example.com', false))).toEqual([
      'UNAUTHORIZED',
      false,
      'files.example.com requires a login, or the proxy proxy.corp:3128 refused its user name and password (HTTP 401)',
    ]);
  });
});
