import path from 'node:path';
import os from 'node:os';
import { describe, it, expect } from 'vitest';
import { pathInside, sanitizeFilename, uniqueFilename } from '../../src-main/engine/file-names.js';

function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

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
