import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { formatBytes } from '../contract/format.js';
import { DownloadError, permanentError } from './download-error.js';
import type { Refusal } from './resume-rules.js';

/**
 * A link that no longer gives the file whose bytes are on disk (ARCHITECTURE.md §4 "Not this
 * file"): the words for it, and the two signs of it that are not in a response's headers (an
 * access refusal, a web page for a fresh download). The error is permanent: the same link would
 * give the same answer on every attempt, so only a fresh link or a Restart can move on.
 */

/** Extensions of files that are web pages themselves: a page in answer to them is no refusal. */
const PAGE_EXTENSIONS = /\.(html?|xhtml|shtml|php|aspx?|jsp)$/i;

/**
 * Extensions that are surely not a web page. A fresh download under such a name that gets a web
 * page got a login or expired-link page; a name outside this list (`Node.js`, `v1.2`, none) may
 * really be a page, so it is downloaded as sent.
 */
const NEVER_PAGE_EXTENSIONS =
  /\.(zip|7z|rar|tar|gz|tgz|bz2|xz|zst|iso|img|dmg|exe|msi|deb|rpm|apk|appimage|pkg|bin|mp4|mkv|webm|avi|mov|mp3|flac|wav|ogg|m4a|pdf|epub|jpe?g|png|gif|webp|docx?|xlsx?|pptx?|odt|ods)$/i;

/** The file is named as a web page, so a resume may be answered with one. */
export const namedAsWebPage = (filename: string): boolean => PAGE_EXTENSIONS.test(filename);

/** How an HTML document begins, after an optional byte-order mark and white space. */
const PAGE_START = /^(\uFEFF)?\s*<(!doctype html|html[\s>]|head[\s>]|!--)/i;

/**
 * The partial's first bytes are a web page's: whatever its name, the file is one, so a page in
 * answer to its resume is no sign of an expired link. Never through a link; unreadable says no.
 */
export async function startsLikeWebPage(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(512), 0, 512, 0);
    return PAGE_START.test(buffer.subarray(0, bytesRead).toString('utf8'));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/** The file is named as something that is surely not a web page. */
export const namedAsNonPage = (filename: string): boolean => NEVER_PAGE_EXTENSIONS.test(filename);

/** Statuses that, once bytes were received, say the link stopped working rather than the file being gone for good. */
const LINK_STATUSES = new Set([401, 403, 410]);

const STATUS_WORDS: Record<number, string> = { 401: 'HTTP 401, a login is needed', 403: 'HTTP 403 Forbidden', 410: 'HTTP 410 Gone' };

/** An error from a request made after bytes were received that means the link stopped giving the file. */
export function accessRefusal(error: unknown): Refusal | null {
  if (!(error instanceof DownloadError) || error.status === null || !LINK_STATUSES.has(error.status)) return null;
  return { reason: 'ACCESS_REFUSED', status: error.status };
}

/** Two sizes in words that tell them apart: exact bytes when rounding would make them look alike. */
function twoSizes(now: number, was: number): [string, string] {
  const [a, b] = [formatBytes(now), formatBytes(was)];
  return a !== b ? [a, b] : [`${now.toLocaleString('en-US')} bytes`, `${was.toLocaleString('en-US')} bytes`];
}

/** How far the partial got: a percentage of a known size, else its bytes. */
const progressOf = (have: number, total: number | null): string =>
  total !== null && total > 0 ? `${Math.floor((have / total) * 100)} %` : formatBytes(have);

/** The words for a refusal, with `have` bytes of `total` kept on disk. */
function refusalWords(refusal: Refusal, host: string, have: number, total: number | null): { code: 'LINK_EXPIRED' | 'FILE_CHANGED'; message: string } {
  const from = progressOf(have, total);
  switch (refusal.reason) {
    case 'WEB_PAGE':
    case 'ACCESS_REFUSED': {
      const why = refusal.reason === 'WEB_PAGE' ? `${host} sent a web page` : `${host} refused access: ${STATUS_WORDS[refusal.status] ?? `HTTP ${refusal.status}`}`;
      return {
        code: 'LINK_EXPIRED',
        message: `The link no longer gives this file (${why}). The partial file is kept: paste a fresh link with Change link to continue from ${from}, or Restart to download from the start what the link gives now.`,
      };
    }
    case 'SIZE_CHANGED':
    case 'FILE_CHANGED': {
      const what = refusal.reason === 'SIZE_CHANGED' ? `its size is ${twoSizes(refusal.now, refusal.was).join(' instead of ')}` : 'another version of it';
      return {
        code: 'FILE_CHANGED',
        message: `The link now gives a different file (${host}: ${what}). The partial file is kept: Change link to a link for the same file to continue from ${from}, or Restart to download the new file from the start.`,
      };
    }
  }
}

/**
 * The permanent error a refused response ends the download with. It keeps what it was made
 * from, so a split download can say how far it got once every connection has recorded its bytes.
 */
export class RefusedResponse extends DownloadError {
  constructor(
    readonly refusal: Refusal,
    private readonly host: string,
    have: number,
    private readonly total: number | null,
  ) {
    const { code, message } = refusalWords(refusal, host, have, total);
    super(code, message, { transient: false });
  }

  /** The same refusal, saying `have` bytes are kept. */
  keeping(have: number): RefusedResponse {
    return new RefusedResponse(this.refusal, this.host, have, this.total);
  }
}

export const refusalError = (refusal: Refusal, host: string, have: number, total: number | null): RefusedResponse =>
  new RefusedResponse(refusal, host, have, total);

/** A fresh download named as a non-page file that got a web page: nothing is saved. */
export function webPageInsteadError(host: string, filename: string): DownloadError {
  return permanentError(
    'LINK_EXPIRED',
    `${host} sent a web page instead of ${filename} (a login or expired-link page, most often); nothing was saved. Paste a fresh link with Change link.`,
  );
}

