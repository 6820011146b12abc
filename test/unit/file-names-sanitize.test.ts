import { describe, it, expect } from 'vitest';
import { sanitizeFilename } from '../../src-main/engine/file-names.js';

/** True when the string survives a UTF-8 round trip, i.e. holds no lone surrogate. */
function isValidUtf16(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

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

  it('prefixes CONIN$, CONOUT$ and CLOCK$ too', () => {
    expect(sanitizeFilename('CONIN$')).toBe('_CONIN$');
    expect(sanitizeFilename('conout$.txt')).toBe('_conout$.txt');
    expect(sanitizeFilename('Clock$')).toBe('_Clock$');
    expect(sanitizeFilename('clock$s.txt')).toBe('clock$s.txt');
  });

  it('never ends a name with the temporary suffix, which would make it another download\'s partial', () => {
    expect(sanitizeFilename('X.pdf.partial')).toBe('X.pdf_partial');
    expect(sanitizeFilename('report.PARTIAL')).toBe('report_PARTIAL');
    expect(sanitizeFilename('a.partial.partial')).toBe('a.partial_partial');
    expect(sanitizeFilename('.partial')).toBe('partial');
    expect(sanitizeFilename('partial.bin')).toBe('partial.bin');
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
