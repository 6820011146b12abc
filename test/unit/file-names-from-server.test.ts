import { describe, it, expect } from 'vitest';
import { filenameFromContentDisposition, filenameFromUrl, sanitizeFilename } from '../../src-main/engine/file-names.js';

describe('filenameFromUrl', () => {
  it('takes the last path segment', () => {
    expect(filenameFromUrl('https://example.com/files/report.pdf')).toBe('report.pdf');
    expect(filenameFromUrl('http://example.com/report')).toBe('report');
  });

  it('percent-decodes as UTF-8', () => {
    expect(filenameFromUrl('https://example.com/dir/%E2%82%AC%20rates.pdf')).toBe('€ rates.pdf');
    expect(filenameFromUrl('https://example.com/%F0%9F%98%80.png')).toBe('😀.png');
  });

  it('keeps invalid escapes literally', () => {
    expect(filenameFromUrl('https://example.com/100%25%zz.txt')).toBe('100%%zz.txt');
    expect(filenameFromUrl('https://example.com/a%FFb.bin')).toBe('a%FFb.bin');
    expect(filenameFromUrl('https://example.com/%e2%82.txt')).toBe('%e2%82.txt');
    expect(filenameFromUrl('https://example.com/%e2%82%ac%ff%41.txt')).toBe('€%ffA.txt');
  });

  it('ignores the query string and fragment', () => {
    expect(filenameFromUrl('https://example.com/a/file.zip?name=evil.exe&x=/y.exe#frag/z.exe')).toBe('file.zip');
  });

  it('uses the last non-empty segment when the path ends with a slash', () => {
    expect(filenameFromUrl('https://example.com/dir/sub/')).toBe('sub');
    expect(filenameFromUrl('https://example.com/dir//')).toBe('dir');
  });

  it('returns null when the path has no segment', () => {
    expect(filenameFromUrl('https://example.com/')).toBeNull();
    expect(filenameFromUrl('https://example.com')).toBeNull();
    expect(filenameFromUrl('https://example.com/?file=a.pdf')).toBeNull();
  });

  it('returns null for non-http(s) and unparsable URLs', () => {
    expect(filenameFromUrl('data:text/plain,hello.txt')).toBeNull();
    expect(filenameFromUrl('ftp://example.com/a.txt')).toBeNull();
    expect(filenameFromUrl('not a url')).toBeNull();
  });

  it('resolves dot segments before choosing, and decodes encoded slashes for sanitizeFilename to strip', () => {
    expect(filenameFromUrl('https://example.com/a/%2e%2e/%2e%2e/b.txt')).toBe('b.txt');
    const decoded = filenameFromUrl('https://example.com/..%2F..%2Fetc%2Fpasswd');
    expect(decoded).toBe('../../etc/passwd');
    expect(sanitizeFilename(decoded ?? '')).toBe('passwd');
  });
});

describe('filenameFromContentDisposition', () => {
  it('returns null when the header is absent or has no file name', () => {
    expect(filenameFromContentDisposition(undefined)).toBeNull();
    expect(filenameFromContentDisposition(null)).toBeNull();
    expect(filenameFromContentDisposition('')).toBeNull();
    expect(filenameFromContentDisposition('inline')).toBeNull();
    expect(filenameFromContentDisposition('attachment')).toBeNull();
    expect(filenameFromContentDisposition('attachment; filename=""')).toBeNull();
    expect(filenameFromContentDisposition('attachment; size=42')).toBeNull();
  });

  it('reads a quoted filename', () => {
    expect(filenameFromContentDisposition('attachment; filename="foo.html"')).toBe('foo.html');
    expect(filenameFromContentDisposition('inline; filename="foo.html"')).toBe('foo.html');
    expect(filenameFromContentDisposition('attachment; FILENAME="foo.html"')).toBe('foo.html');
    expect(filenameFromContentDisposition('ATTACHMENT; filename = "foo.html"')).toBe('foo.html');
  });

  it('unescapes backslash escapes in quoted strings', () => {
    expect(filenameFromContentDisposition('attachment; filename="\\"quoting\\" tested.html"')).toBe('"quoting" tested.html');
    expect(filenameFromContentDisposition('attachment; filename="a\\\\b.txt"')).toBe('a\\b.txt');
  });

  it('keeps semicolons inside quoted strings', () => {
    expect(filenameFromContentDisposition('attachment; filename="Here\'s a semicolon;.html"; size=3')).toBe(
      "Here's a semicolon;.html",
    );
  });

  it('reads an unquoted token', () => {
    expect(filenameFromContentDisposition('attachment; filename=foo.html')).toBe('foo.html');
    expect(filenameFromContentDisposition('attachment; filename=foo.html; size=3')).toBe('foo.html');
  });

  it('skips other parameters and tolerates a missing disposition type', () => {
    expect(filenameFromContentDisposition('attachment; foo="bar"; filename="foo.html"')).toBe('foo.html');
    expect(filenameFromContentDisposition('filename="foo.html"')).toBe('foo.html');
  });

  it('keeps the first of duplicated parameters', () => {
    expect(filenameFromContentDisposition('attachment; filename="foo.html"; filename="bar.html"')).toBe('foo.html');
  });

  it('does not percent-decode a plain filename', () => {
    expect(filenameFromContentDisposition('attachment; filename="foo-%41.html"')).toBe('foo-%41.html');
  });

  it('drops an unterminated quoted string', () => {
    expect(filenameFromContentDisposition('attachment; filename="foo.html')).toBeNull();
  });

  it('reads filename* in UTF-8', () => {
    expect(filenameFromContentDisposition("attachment; filename*=UTF-8''%e2%82%ac%20rates.pdf")).toBe('€ rates.pdf');
    expect(filenameFromContentDisposition("attachment; filename*=utf-8''foo-%c3%a4-%e2%82%ac.html")).toBe('foo-ä-€.html');
    expect(filenameFromContentDisposition("attachment; filename*=UTF-8'en'%e2%82%ac%20rates.pdf")).toBe('€ rates.pdf');
    expect(filenameFromContentDisposition("attachment; filename*= UTF-8''foo-%c3%a4.html")).toBe('foo-ä.html');
  });

  it('reads filename* in ISO-8859-1', () => {
    expect(filenameFromContentDisposition("attachment; filename*=iso-8859-1''foo-%E4.html")).toBe('foo-ä.html');
    expect(filenameFromContentDisposition("attachment; filename*=ISO-8859-1'en'%A3%20rates")).toBe('£ rates');
  });

  it('prefers filename* over filename, in either order', () => {
    expect(
      filenameFromContentDisposition("attachment; filename=\"EURO rates.pdf\"; filename*=UTF-8''%e2%82%ac%20rates.pdf"),
    ).toBe('€ rates.pdf');
    expect(
      filenameFromContentDisposition("attachment; filename*=UTF-8''%e2%82%ac%20rates.pdf; filename=\"EURO rates.pdf\""),
    ).toBe('€ rates.pdf');
  });

  it('falls back to filename when filename* is malformed', () => {
    expect(filenameFromContentDisposition("attachment; filename*=UTF-8''foo%zz.html; filename=\"fallback.html\"")).toBe(
      'fallback.html',
    );
    expect(filenameFromContentDisposition("attachment; filename*=UTF-8''%ff.html; filename=\"fallback.html\"")).toBe(
      'fallback.html',
    );
    expect(filenameFromContentDisposition("attachment; filename*=''foo.html; filename=\"fallback.html\"")).toBe(
      'fallback.html',
    );
    expect(filenameFromContentDisposition("attachment; filename*=KOI8-R''%c6.html; filename=\"fallback.html\"")).toBe(
      'fallback.html',
    );
    expect(filenameFromContentDisposition('attachment; filename*=foo.html')).toBeNull();
  });

  it('decodes raw UTF-8 bytes that Node delivers as Latin-1, and keeps real Latin-1', () => {
    expect(filenameFromContentDisposition('attachment; filename="foo-\xc3\xa4-\xe2\x82\xac.html"')).toBe('foo-ä-€.html');
    expect(filenameFromContentDisposition('attachment; filename="foo-\xe4.html"')).toBe('foo-ä.html');
  });

  it('returns traversal names as sent, which sanitizeFilename then neutralises', () => {
    const plain = filenameFromContentDisposition('attachment; filename="../../etc/passwd"');
    expect(plain).toBe('../../etc/passwd');
    expect(sanitizeFilename(plain ?? '')).toBe('passwd');

    const windows = filenameFromContentDisposition('attachment; filename="..\\\\..\\\\boot.ini"');
    expect(windows).toBe('..\\..\\boot.ini');
    expect(sanitizeFilename(windows ?? '')).toBe('boot.ini');

    const extended = filenameFromContentDisposition("attachment; filename*=UTF-8''..%2F..%2F.bashrc");
    expect(extended).toBe('../../.bashrc');
    expect(sanitizeFilename(extended ?? '')).toBe('bashrc');
  });
});
