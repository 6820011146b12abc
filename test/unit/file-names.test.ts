import path from 'node:path';
import os from 'node:os';
import { describe, it, expect } from 'vitest';
import {
  filenameFromContentDisposition,
  filenameFromUrl,
  pathInside,
  sanitizeFilename,
  uniqueFilename,
} from '../../src-main/engine/file-names.js';

function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

/** True when the string survives a UTF-8 round trip, i.e. holds no lone surrogate. */
function isValidUtf16(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

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

describe('sanitizeFilename', () => {
  it('keeps an ordinary name unchanged', () => {
    expect(sanitizeFilename('report.pdf')).toBe('report.pdf');
    expect(sanitizeFilename('€ rates (final).tar.gz')).toBe('€ rates (final).tar.gz');
  });

  it('keeps only the part after the last separator', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('..\\..\\boot.ini')).toBe('boot.ini');
    expect(sanitizeFilename('/abs/path')).toBe('path');
    expect(sanitizeFilename('C:\\Windows\\x.exe')).toBe('x.exe');
    expect(sanitizeFilename('a/b\\c/d.txt')).toBe('d.txt');
    expect(sanitizeFilename('dir/')).toBe('download');
  });

  it('drops NUL and control characters', () => {
    expect(sanitizeFilename('evil\u0000.exe')).toBe('evil.exe');
    expect(sanitizeFilename('a\u0000b\u001fc\u007f.txt')).toBe('abc.txt');
    expect(sanitizeFilename('line\nbreak\r\t.txt')).toBe('linebreak.txt');
    expect(sanitizeFilename('\u0085x.txt')).toBe('x.txt');
  });

  it('replaces characters Windows forbids', () => {
    expect(sanitizeFilename('a<b>c:d"e|f?g*h')).toBe('a_b_c_d_e_f_g_h');
    expect(sanitizeFilename('what?.txt')).toBe('what_.txt');
    expect(sanitizeFilename('file.txt:stream')).toBe('file.txt_stream');
  });

  it('trims whitespace and trailing dots and spaces', () => {
    expect(sanitizeFilename('  report.pdf  ')).toBe('report.pdf');
    expect(sanitizeFilename('report.pdf. . .')).toBe('report.pdf');
    expect(sanitizeFilename('report.pdf...')).toBe('report.pdf');
    expect(sanitizeFilename('report. ')).toBe('report');
  });

  it('removes leading dots so no hidden or dot-dot name is produced', () => {
    expect(sanitizeFilename('.htaccess')).toBe('htaccess');
    expect(sanitizeFilename('..config')).toBe('config');
    expect(sanitizeFilename(' . hidden')).toBe('hidden');
  });

  it('falls back when nothing is left', () => {
    expect(sanitizeFilename('')).toBe('download');
    expect(sanitizeFilename('.')).toBe('download');
    expect(sanitizeFilename('..')).toBe('download');
    expect(sanitizeFilename('.....')).toBe('download');
    expect(sanitizeFilename(' . . ')).toBe('download');
    expect(sanitizeFilename('\u0000\u0001')).toBe('download');
    expect(sanitizeFilename('..', 'file.bin')).toBe('file.bin');
    expect(sanitizeFilename('', '../x.bin')).toBe('x.bin');
  });

  it('prefixes Windows device names, with or without an extension, in any case', () => {
    expect(sanitizeFilename('con')).toBe('_con');
    expect(sanitizeFilename('CON.txt')).toBe('_CON.txt');
    expect(sanitizeFilename('lpt9.log')).toBe('_lpt9.log');
    expect(sanitizeFilename('aux')).toBe('_aux');
    expect(sanitizeFilename('nul.txt')).toBe('_nul.txt');
    expect(sanitizeFilename('Com1')).toBe('_Com1');
    expect(sanitizeFilename('com0.bin')).toBe('_com0.bin');
    expect(sanitizeFilename('PRN.tar.gz')).toBe('_PRN.tar.gz');
    expect(sanitizeFilename('aux. ')).toBe('_aux');
    expect(sanitizeFilename('CON .txt')).toBe('_CON .txt');
    expect(sanitizeFilename('c:/dir/con')).toBe('_con');
  });

  it('leaves names that only start like a device name alone', () => {
    expect(sanitizeFilename('console.log')).toBe('console.log');
    expect(sanitizeFilename('lpt10.txt')).toBe('lpt10.txt');
    expect(sanitizeFilename('auxiliary')).toBe('auxiliary');
  });

  it('replaces a lone surrogate, which UTF-8 file systems cannot store', () => {
    expect(sanitizeFilename('a\uD83D.txt')).toBe('a\uFFFD.txt');
  });

  it('cuts a 300-character ASCII name to 200 bytes, keeping the extension', () => {
    const name = `${'a'.repeat(296)}.txt`;
    expect(name.length).toBe(300);
    const result = sanitizeFilename(name);
    expect(result).toBe(`${'a'.repeat(196)}.txt`);
    expect(Buffer.byteLength(result)).toBe(200);
    expect(sanitizeFilename('x'.repeat(300))).toBe('x'.repeat(200));
  });

  it('cuts a 300-character name of three-byte characters without splitting one', () => {
    const result = sanitizeFilename(`${'€'.repeat(296)}.pdf`);
    expect(result).toBe(`${'€'.repeat(65)}.pdf`);
    expect(Buffer.byteLength(result)).toBe(199);
    expect(Buffer.byteLength(result)).toBeLessThanOrEqual(200);
    expect(result.endsWith('.pdf')).toBe(true);
    expect(isValidUtf16(result)).toBe(true);
  });

  it('cuts a name of emoji without splitting a surrogate pair', () => {
    const result = sanitizeFilename(`${'😀'.repeat(300)}.txt`);
    expect(result).toBe(`${'😀'.repeat(49)}.txt`);
    expect(Buffer.byteLength(result)).toBe(200);
    expect(result.endsWith('.txt')).toBe(true);
    expect(isValidUtf16(result)).toBe(true);

    const offset = sanitizeFilename(`a${'😀'.repeat(300)}.txt`);
    expect(offset).toBe(`a${'😀'.repeat(48)}.txt`);
    expect(Buffer.byteLength(offset)).toBe(197);
    expect(isValidUtf16(offset)).toBe(true);
  });

  it('cuts the whole name when the extension alone is too long to keep', () => {
    expect(sanitizeFilename(`a.${'x'.repeat(300)}`)).toBe(`a.${'x'.repeat(198)}`);
  });

  it('does not leave a trailing dot or space after cutting', () => {
    expect(sanitizeFilename(`${'a'.repeat(199)} ${'b'.repeat(50)}`)).toBe('a'.repeat(199));
    expect(sanitizeFilename(`${'a'.repeat(199)}.${'b'.repeat(250)}`)).toBe('a'.repeat(199));
  });
});

describe('uniqueFilename', () => {
  it('returns the name itself when it is free', async () => {
    expect(await uniqueFilename('report.pdf', () => false)).toBe('report.pdf');
  });

  it('numbers successive downloads of the same name', async () => {
    const taken = new Set<string>();
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const name = await uniqueFilename('report.pdf', (candidate) => taken.has(candidate));
      taken.add(name);
      names.push(name);
    }
    expect(names).toEqual(['report.pdf', 'report (1).pdf', 'report (2).pdf', 'report (3).pdf']);
  });

  it('fills the first gap', async () => {
    const taken = new Set(['a.txt', 'a (1).txt', 'a (3).txt']);
    expect(await uniqueFilename('a.txt', (candidate) => taken.has(candidate))).toBe('a (2).txt');
  });

  it('numbers names without an extension at the end', async () => {
    const taken = new Set(['README', 'README (1)']);
    expect(await uniqueFilename('README', (candidate) => taken.has(candidate))).toBe('README (2)');
  });

  it('treats only the last extension as the extension', async () => {
    const taken = new Set(['archive.tar.gz']);
    expect(await uniqueFilename('archive.tar.gz', (candidate) => taken.has(candidate))).toBe('archive.tar (1).gz');
  });

  it('does not treat a leading dot as an extension', async () => {
    const taken = new Set(['.bashrc']);
    expect(await uniqueFilename('.bashrc', (candidate) => taken.has(candidate))).toBe('.bashrc (1)');
  });

  it('works with a case-insensitive isTaken for names differing only in case', async () => {
    const taken = new Set(['report.pdf', 'report (1).pdf']);
    const isTaken = (candidate: string): boolean => taken.has(candidate.toLowerCase());
    expect(await uniqueFilename('REPORT.PDF', isTaken)).toBe('REPORT (2).PDF');
    expect(await uniqueFilename('Report.pdf', isTaken)).toBe('Report (2).pdf');
    expect(await uniqueFilename('other.pdf', isTaken)).toBe('other.pdf');
  });

  it('throws after 10,000 tries', async () => {
    const tried: string[] = [];
    await expect(
      uniqueFilename('x.bin', (candidate) => {
        tried.push(candidate);
        return true;
      }),
    ).rejects.toThrow('No free file name for "x.bin" after 10000 tries');
    expect(tried.length).toBe(10_000);
    expect(tried[0]).toBe('x.bin');
    expect(tried[1]).toBe('x (1).bin');
    expect(tried[9_999]).toBe('x (9999).bin');
  });
});

describe('pathInside', () => {
  const dir = path.resolve(os.tmpdir(), 'steadfast-downloads');

  it('returns the absolute path of a normal name', () => {
    expect(pathInside(dir, 'report.pdf')).toBe(path.join(dir, 'report.pdf'));
    expect(pathInside(dir, '€ rates.pdf')).toBe(path.join(dir, '€ rates.pdf'));
    expect(pathInside(dir, '..config')).toBe(path.join(dir, '..config'));
  });

  it('resolves a relative folder first', () => {
    expect(pathInside('downloads', 'a.txt')).toBe(path.resolve('downloads', 'a.txt'));
  });

  it('refuses names that climb out with ..', () => {
    expect(thrownMessage(() => pathInside(dir, '..'))).toBe('Refusing to write outside the download folder: ".."');
    expect(thrownMessage(() => pathInside(dir, '../../etc/passwd'))).toBe(
      'Refusing to write outside the download folder: "../../etc/passwd"',
    );
    expect(thrownMessage(() => pathInside(dir, 'a/../../x'))).toBe(
      'Refusing to write outside the download folder: "a/../../x"',
    );
    expect(thrownMessage(() => pathInside(dir, '..\\..\\boot.ini'))).toBe(
      'Refusing to write outside the download folder: "..\\\\..\\\\boot.ini"',
    );
  });

  it('refuses absolute names', () => {
    expect(thrownMessage(() => pathInside(dir, '/etc/passwd'))).toBe(
      'Refusing to write outside the download folder: "/etc/passwd"',
    );
    expect(thrownMessage(() => pathInside(dir, 'C:\\Windows\\x.exe'))).toBe(
      'Refusing to write outside the download folder: "C:\\\\Windows\\\\x.exe"',
    );
    expect(thrownMessage(() => pathInside(dir, 'C:x.exe'))).toBe(
      'Refusing to write outside the download folder: "C:x.exe"',
    );
  });

  it('refuses names that resolve to the folder itself', () => {
    expect(thrownMessage(() => pathInside(dir, ''))).toBe('Refusing to write outside the download folder: ""');
    expect(thrownMessage(() => pathInside(dir, '.'))).toBe('Refusing to write outside the download folder: "."');
  });

  it('accepts every sanitised hostile name', () => {
    const hostile = ['../../etc/passwd', '..\\..\\boot.ini', '/abs/path', 'C:\\Windows\\x.exe', '..', 'con'];
    expect(hostile.map((name) => pathInside(dir, sanitizeFilename(name)))).toEqual(
      ['passwd', 'boot.ini', 'path', 'x.exe', 'download', '_con'].map((name) => path.join(dir, name)),
    );
  });
});

describe('sanitizeFilename: invisible and direction-changing characters', () => {
  it('removes bidi overrides, so a name cannot disguise its extension', () => {
    expect(sanitizeFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFilename('\u2066report\u2069.pdf')).toBe('report.pdf');
    expect(sanitizeFilename('a\u200Fb\u200Ec.txt')).toBe('abc.txt');
  });

  it('removes zero-width characters, so look-alike names are the same name', () => {
    expect(sanitizeFilename('re\u200Bport.pdf')).toBe('report.pdf');
    expect(sanitizeFilename('\uFEFFreport.pdf')).toBe('report.pdf');
    expect(sanitizeFilename('\u200D')).toBe('download');
  });

  it('keeps ordinary letters of every script', () => {
    expect(sanitizeFilename('отчёт 2026 – 東京.pdf')).toBe('отчёт 2026 – 東京.pdf');
  });
});
