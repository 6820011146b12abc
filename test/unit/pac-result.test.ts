import { describe, expect, it } from 'vitest';
import { firstPacRoute, parsePacResult, type ProxyRoute } from '../../src-main/sources/pac-result.js';

const shown = (routes: ProxyRoute[]) => routes.map((r) => (r.kind === 'direct' ? 'DIRECT' : r.url.href));

describe('parsePacResult (Chromium resolveProxy answers)', () => {
  it('reads DIRECT and each proxy type, in order', () => {
    expect(shown(parsePacResult('DIRECT'))).toEqual(['DIRECT']);
    expect(shown(parsePacResult('PROXY proxy.corp:3128; SOCKS5 socks.corp:1080; DIRECT'))).toEqual([
      'http://proxy.corp:3128/',
      'socks5://socks.corp:1080',
      'DIRECT',
    ]);
    expect(shown(parsePacResult('HTTPS secure.corp:443'))).toEqual(['https://secure.corp/']);
    expect(shown(parsePacResult('SOCKS old.corp:1080;SOCKS4 v4.corp:1081'))).toEqual(['socks4://old.corp:1080', 'socks4://v4.corp:1081']);
    expect(shown(parsePacResult('HTTP plain.corp:80'))).toEqual(['http://plain.corp/']);
  });

  it('is lenient about case and spaces, and keeps IPv6 addresses', () => {
    expect(shown(parsePacResult('  proxy 10.0.0.1:8080 ;direct '))).toEqual(['http://10.0.0.1:8080/', 'DIRECT']);
    expect(shown(parsePacResult('PROXY [::1]:3128'))).toEqual(['http://[::1]:3128/']);
  });

  it('skips what it cannot use: QUIC, unknown types, missing or extra parts, paths, credentials', () => {
    expect(parsePacResult('QUIC q.corp:443; BOGUS x:1; PROXY; PROXY a:1 b; PROXY a:1/path; PROXY u:p@a:1; DIRECT x')).toEqual([]);
    expect(parsePacResult('')).toEqual([]);
  });

  it('firstPacRoute: the first usable entry, and direct when there is none', () => {
    expect(shown([firstPacRoute('QUIC q:443; PROXY p.corp:8080; DIRECT')])).toEqual(['http://p.corp:8080/']);
    expect(firstPacRoute('')).toEqual({ kind: 'direct' });
    expect(firstPacRoute('garbage')).toEqual({ kind: 'direct' });
  });
});
