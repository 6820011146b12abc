import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyHttpStatus } from '../../src-main/engine/classify-error.js';
import { transientError } from '../../src-main/engine/download-error.js';
import { accessRefusal, namedAsNonPage, namedAsWebPage, RefusedResponse, refusalError, startsLikeWebPage } from '../../src-main/engine/link-refusal.js';

const H = 'files.example.com:8443';

describe('link refusals', () => {
  it('names tell a web page from a file that surely is not one; other names are neither', () => {
    expect(['index.html', 'a.HTM', 'page.php', 'x.aspx'].every(namedAsWebPage)).toBe(true);
    expect(['movie.mp4', 'report.zip', 'Node.js', 'download'].some(namedAsWebPage)).toBe(false);
    expect(['movie.mp4', 'DISK.ISO', 'paper.pdf', 'backup.tar.gz', 'setup.exe'].every(namedAsNonPage)).toBe(true);
    // A page may well be named like these: a fresh download of one is saved as sent.
    expect(['Node.js', 'v1.2', 'download', 'index.html', 'notes.txt'].some(namedAsNonPage)).toBe(false);
  });

  it('401, 403 and 410 after bytes were received are access refusals; 404, a 5xx and S3 names are not', () => {
    const at = (status: number) => accessRefusal(classifyHttpStatus(status, undefined, 0));
    expect([at(401), at(403), at(410)]).toEqual([401, 403, 410].map((status) => ({ reason: 'ACCESS_REFUSED', status })));
    expect([at(404), at(500), at(429)]).toEqual([null, null, null]);
    expect(accessRefusal(transientError('CONNECTION_RESET', 'x'))).toBeNull();
    expect(accessRefusal(new Error('403'))).toBeNull();
  });

  it('each reason in words, with how far the partial got and what Change link and Restart do', () => {
    const page = refusalError({ reason: 'WEB_PAGE' }, H, 650, 1000);
    expect([page.code, page.transient]).toEqual(['LINK_EXPIRED', false]);
    expect(page.message).toBe(
      `The link no longer gives this file (${H} sent a web page). The partial file is kept: paste a fresh link with Change link to continue from 65 %, or Restart to download from the start what the link gives now.`,
    );
    expect(refusalError({ reason: 'ACCESS_REFUSED', status: 403 }, H, 999, 1000).message).toContain(`(${H} refused access: HTTP 403 Forbidden). `);
    expect(refusalError({ reason: 'ACCESS_REFUSED', status: 403 }, H, 999, 1000).message).toContain('continue from 99 %');
    // Size unknown: the bytes kept instead of a percentage.
    expect(refusalError({ reason: 'WEB_PAGE' }, H, 3 * 1024 * 1024, null).message).toContain('continue from 3 MB,');
    const size = refusalError({ reason: 'SIZE_CHANGED', was: 2 * 1024 * 1024, now: 5 * 1024 * 1024 }, H, 1024 * 1024, 2 * 1024 * 1024);
    expect([size.code, size.transient]).toEqual(['FILE_CHANGED', false]);
    expect(size.message).toBe(
      `The link now gives a different file (${H}: its size is 5 MB instead of 2 MB). The partial file is kept: Change link to a link for the same file to continue from 50 %, or Restart to download the new file from the start.`,
    );
    // Sizes that round alike are told in bytes.
    expect(refusalError({ reason: 'SIZE_CHANGED', was: 1_000_000, now: 1_000_001 }, H, 0, 1_000_000).message).toContain('its size is 1,000,001 bytes instead of 1,000,000 bytes');
    expect(refusalError({ reason: 'FILE_CHANGED' }, H, 0, 10).message).toContain(`(${H}: another version of it)`);
    // Said again once a split download's connections have recorded their bytes.
    const later = page.keeping(900);
    expect([later instanceof RefusedResponse, later.code, later.refusal]).toEqual([true, 'LINK_EXPIRED', { reason: 'WEB_PAGE' }]);
    expect(later.message).toContain('continue from 90 %');
  });

  it("a partial's first bytes tell a page, never through a link", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadfast-refusal-'));
    try {
      const file = (name: string, text: string | Buffer) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      };
      expect(await startsLikeWebPage(file('a', '\uFEFF  <!DOCTYPE html><title>x</title>'))).toBe(true);
      expect(await startsLikeWebPage(file('b', '\n<html lang="en">'))).toBe(true);
      expect(await startsLikeWebPage(file('c', 'PK\u0003\u0004<html>'))).toBe(false);
      expect(await startsLikeWebPage(file('d', '<htmlish'))).toBe(false);
      symlinkSync(join(dir, 'a'), join(dir, 'link'));
      expect(await startsLikeWebPage(join(dir, 'link'))).toBe(false);
      expect(await startsLikeWebPage(join(dir, 'missing'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
