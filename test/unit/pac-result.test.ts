import { describe, expect, it } from 'vitest';
import { parsePacResult, pickPacRoute, type ProxyRoute } from '../../src-main/sources/pac-result.js';

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

  it('pickPacRoute: the first usable entry, and direct when there is none', () => {
    const none = () => false;
    const first = pickPacRoute('QUIC q:443; PROXY p.corp:8080; DIRECT', none);
    expect([shown([first.route]), first.fallback]).toEqual([['http://p.corp:8080/'], true]);
    expect(pickPacRoute('', none)).toEqual({ route: { kind: 'direct' }, fallback: false });
    expect(pickPacRoute('garbage', none)).toEqual({ route: { kind: 'direct' }, fallback: false });
    expect(pickPacRoute('PROXY p.corp:8080', none).fallback).toBe(false);
  });

  it('pickPacRoute skips proxies that just failed, and tries the first again when all of them did', () => {
    const down = new Set(['http://a.corp:1/']);
    const isDown = (url: URL) => down.has(url.href);
    const next = pickPacRoute('PROXY a.corp:1; PROXY b.corp:2; DIRECT', isDown);
    expect([shown([next.route]), next.fallback]).toEqual([['http://b.corp:2/'], true]);
    down.add('http://b.corp:2/');
    expect(pickPacRoute('PROXY a.corp:1; PROXY b.corp:2; DIRECT', isDown)).toEqual({ route: { kind: 'direct' }, fallback: false });
    const again = pickPacRoute('PROXY a.corp:1; PROXY b.corp:2', isDown);
    expect([shown([again.route]), again.fallback]).toEqual([['http://a.corp:1/'], false]);
  });
});
