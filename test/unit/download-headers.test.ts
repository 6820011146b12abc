import { describe, expect, it } from 'vitest';
import { DownloadHeaders, headersForNewLink, headersForUrl, splitCredentials } from '../../src-main/engine/download-headers.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { dropHeadersOffOrigin, requestHeaderFields } from '../../src-main/sources/redirect-headers.js';

const basic = (pair: string) => `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;

describe('splitCredentials', () => {
  it('turns user:password into Authorization: Basic (percent-decoded, UTF-8) and drops them from the URL', () => {
    expect(splitCredentials('https://al%40ice:p%3Ass%20w%C3%B6rd@files.example:8443/a%20b.bin?sig=1#f')).toEqual({
      url: 'https://files.example:8443/a%20b.bin?sig=1#f',
      authorization: basic('al@ice:p:ss wörd'),
    });
    expect(splitCredentials('http://user@h/f')).toEqual({ url: 'http://h/f', authorization: basic('user:') });
    expect(splitCredentials('http://:secret@h/f')).toEqual({ url: 'http://h/f', authorization: basic(':secret') });
    // A broken escape is taken as typed rather than refused.
    expect(splitCredentials('http://u:%E0%A4%A@h/f')).toEqual({ url: 'http://h/f', authorization: basic('u:%E0%A4%A') });
  });

  it('leaves a URL without credentials exactly as given', () => {
    expect(splitCredentials('HTTP://Files.Example/A?b=c')).toEqual({ url: 'HTTP://Files.Example/A?b=c', authorization: null });
    expect(splitCredentials('s3://bucket/key with space')).toEqual({ url: 's3://bucket/key with space', authorization: null });
  });
});

describe('headersForUrl', () => {
  it("adds the URL's sign-in to the headers given, unless they hold an Authorization already", () => {
    expect(headersForUrl('http://u:p@h/f', { Cookie: 'a=b' })).toEqual({ url: 'http://h/f', headers: { Cookie: 'a=b', Authorization: basic('u:p') } });
    expect(headersForUrl('http://u:p@h/f', { Authorization: 'Bearer t' })).toEqual({ url: 'http://h/f', headers: { Authorization: 'Bearer t' } });
    expect(headersForUrl('http://h/f')).toEqual({ url: 'http://h/f', headers: {} });
  });
});

describe('headersForNewLink', () => {
  const kept = { Cookie: 'c', Authorization: 'Bearer a', Referer: 'r', 'User-Agent': 'u' };

  it('keeps every header for a link at the same origin, and takes a sign-in from the new link', () => {
    expect(headersForNewLink('http://h:81/a', 'http://h:81/b?x', kept)).toEqual({ url: 'http://h:81/b?x', headers: kept });
    expect(headersForNewLink('http://h:81/a', 'http://u:p@h:81/b', kept)).toEqual({
      url: 'http://h:81/b',
      headers: { ...kept, Authorization: basic('u:p') },
    });
  });

  it('drops Cookie, Authorization and Referer for a link at another origin (or from S3); User-Agent stays', () => {
    expect(headersForNewLink('http://h:81/a', 'http://h:82/a', kept)).toEqual({ url: 'http://h:82/a', headers: { 'User-Agent': 'u' } });
    expect(headersForNewLink('http://h/a', 'https://h/a', kept)).toEqual({ url: 'https://h/a', headers: { 'User-Agent': 'u' } });
    expect(headersForNewLink(null, 'http://h/a', kept)).toEqual({ url: 'http://h/a', headers: { 'User-Agent': 'u' } });
    expect(headersForNewLink('http://h/a', 'http://u:p@evil/a', kept)).toEqual({
      url: 'http://evil/a',
      headers: { 'User-Agent': 'u', Authorization: basic('u:p') },
    });
  });
});

describe('DownloadHeaders', () => {
  it('keeps one secret entry per download, names them for snapshots, and forgets them', () => {
    const secrets = new MemorySecretStore();
    let writes = 0;
    const set = secrets.set.bind(secrets);
    secrets.set = (name, value) => {
      writes += 1;
      set(name, value);
    };
    const headers = new DownloadHeaders(secrets);
    headers.save('d1', { Cookie: 'a=b', Referer: 'https://r/' });
    headers.save('d2', {});
    expect(secrets.get('download-headers:d1')).toBe(JSON.stringify({ Cookie: 'a=b', Referer: 'https://r/' }));
    // A download without headers costs the store nothing.
    expect(writes).toBe(1);
    expect(secrets.get('download-headers:d2')).toBeNull();
    expect(headers.load('d1')).toEqual({ Cookie: 'a=b', Referer: 'https://r/' });
    expect(headers.names('d1')).toEqual(['Cookie', 'Referer']);
    expect(headers.names('d2')).toEqual([]);
    headers.forget('d1');
    headers.forget('d2');
    expect(writes).toBe(2);
    expect(secrets.get('download-headers:d1')).toBeNull();
    expect(headers.load('d1')).toEqual({});
    expect(headers.names('d1')).toEqual([]);
  });

  it('reads an entry written by another process, and sends nothing for one that does not parse or is not allowed', () => {
    const secrets = new MemorySecretStore();
    secrets.set('download-headers:ok', JSON.stringify({ cookie: 'x=y' }));
    secrets.set('download-headers:broken', '{not json');
    secrets.set('download-headers:foreign', JSON.stringify({ Host: 'evil.example' }));
    const headers = new DownloadHeaders(secrets);
    expect(headers.load('ok')).toEqual({ Cookie: 'x=y' });
    expect(headers.names('ok')).toEqual(['Cookie']);
    expect(headers.load('broken')).toEqual({});
    expect(headers.load('foreign')).toEqual({});
  });
});

describe('dropHeadersOffOrigin', () => {
  const hop = (from: string, to: string) => {
    const options = { url: new URL(to), headers: { ...requestHeaderFields({ Cookie: 'c', Authorization: 'a', Referer: 'r', 'User-Agent': 'u' }), range: 'bytes=0-' } };
    void dropHeadersOffOrigin(from)(options as never, {} as never);
    return Object.keys(options.headers).sort();
  };
  const all = ['authorization', 'cookie', 'range', 'referer', 'user-agent'];
  const left = ['range', 'user-agent'];

  it('keeps them within the origin: same scheme, host and port (default port spelled or not)', () => {
    expect(hop('http://127.0.0.1:8080/a', 'http://127.0.0.1:8080/b?x')).toEqual(all);
    expect(hop('https://files.example/a', 'https://FILES.example:443/b')).toEqual(all);
  });

  it('drops Cookie, Authorization and Referer on another port, host name or scheme', () => {
    expect(hop('http://127.0.0.1:8080/a', 'http://127.0.0.1:8081/a')).toEqual(left);
    expect(hop('http://127.0.0.1:8080/a', 'http://localhost:8080/a')).toEqual(left);
    expect(hop('http://files.example/a', 'https://files.example/a')).toEqual(left);
    expect(hop('https://files.example/a', 'https://cdn.files.example/a')).toEqual(left);
  });
});
