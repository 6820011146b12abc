import { describe, expect, it } from 'vitest';
import { matchesRule, parseExtensions, readRule } from '../../extension/src/capture-rule.js';
import { addBodyFor } from '../../extension/src/hand-over.js';
import { requestHeadersSchema } from '../../src-main/contract/request-headers.js';

const MB = 1024 * 1024;

describe('the capture rule', () => {
  it('"all" takes every download', () => {
    expect(matchesRule({ kind: 'all' }, { fileName: 'a', totalBytes: -1 })).toBe(true);
  });

  it('"larger than N MB" takes only downloads of a known size above N', () => {
    const rule = { kind: 'larger', megabytes: 5 } as const;
    expect(matchesRule(rule, { fileName: 'a.iso', totalBytes: 5 * MB + 1 })).toBe(true);
    expect(matchesRule(rule, { fileName: 'a.iso', totalBytes: 5 * MB })).toBe(false);
    expect(matchesRule(rule, { fileName: 'a.iso', totalBytes: -1 })).toBe(false);
    expect(matchesRule(rule, { fileName: 'a.iso', totalBytes: 0 })).toBe(false);
    expect(matchesRule({ kind: 'larger', megabytes: 0.5 }, { fileName: 'a', totalBytes: MB })).toBe(true);
  });

  it('"these types" looks at the extension of the name or path the browser chose, in any case', () => {
    const rule = { kind: 'types', extensions: ['zip', 'mkv', 'gz'] } as const;
    expect(matchesRule(rule, { fileName: 'Movie.MKV', totalBytes: 1 })).toBe(true);
    expect(matchesRule(rule, { fileName: '/home/u/Downloads/x.tar.gz', totalBytes: 1 })).toBe(true);
    expect(matchesRule(rule, { fileName: 'C:\\Users\\u\\a.zip', totalBytes: 1 })).toBe(true);
    expect(matchesRule(rule, { fileName: 'zip', totalBytes: 1 })).toBe(false);
    expect(matchesRule(rule, { fileName: '.zip', totalBytes: 1 })).toBe(false);
    expect(matchesRule(rule, { fileName: 'a.zip/readme', totalBytes: 1 })).toBe(false);
    expect(matchesRule(rule, { fileName: 'a.pdf', totalBytes: 10 * MB })).toBe(false);
  });

  it('reads typed type lists and stored rules defensively', () => {
    expect(parseExtensions(' ZIP, .iso;; 7z  zip ..tar.gz bad/one')).toEqual(['zip', 'iso', '7z', 'tar.gz']);
    expect(readRule({ kind: 'larger', megabytes: 12 })).toEqual({ kind: 'larger', megabytes: 12 });
    expect(readRule({ kind: 'types', extensions: ['ISO', 3, '.mkv'] })).toEqual({ kind: 'types', extensions: ['iso', 'mkv'] });
    for (const junk of [null, 'all', { kind: 'larger', megabytes: -1 }, { kind: 'larger' }, { kind: 'types' }, { kind: 'none' }]) {
      expect(readRule(junk)).toEqual({ kind: 'all' });
    }
  });
});

describe('the hand-over', () => {
  const base = {
    url: 'https://files.example/dl?id=7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0',
    cookies: [
      { name: 'sid', value: 'a1' },
      { name: 'pref', value: 'x=y' },
    ],
  };

  it('sends the browser name, the cookies as one Cookie header, the referrer and user agent', () => {
    const body = addBodyFor({ ...base, fileName: '/home/u/Downloads/Quarterly report.pdf', referrer: 'https://files.example/list' });
    expect(body).toEqual({
      url: 'https://files.example/dl?id=7',
      filename: 'Quarterly report.pdf',
      headers: { Cookie: 'sid=a1; pref=x=y', Referer: 'https://files.example/list', 'User-Agent': base.userAgent },
    });
    // Steadfast's own header schema takes it as it is.
    expect(requestHeadersSchema.parse(body.headers)).toEqual(body.headers);
  });

  it('leaves out what there is none of: no cookies, no name, a referrer that is not a web page', () => {
    expect(addBodyFor({ ...base, cookies: [], fileName: null, referrer: 'chrome://newtab/' })).toEqual({
      url: base.url,
      headers: { 'User-Agent': base.userAgent },
    });
    expect(addBodyFor({ ...base, cookies: [], fileName: '', referrer: null })).not.toHaveProperty('filename');
  });
});
