import { withoutCredentials } from './downloads.js';
import { REQUEST_HEADER_NAMES, type RequestHeaderName } from './header-names.js';

/**
 * Lists of links: a text of URLs, one per line, or aria2's input-file format (a link line, then
 * indented `name=value` option lines; `#` comments; blank lines). Pure and without zod, so the
 * page previews a list as it is typed; the engine's edge still validates each `add`
 * (ARCHITECTURE.md §7).
 */

/** A list holds at most this many downloads; the lines after the last one read are reported. */
export const MAX_LIST_ENTRIES = 10_000;
/** Longer texts are refused whole rather than read in part (16 MiB: 10,000 long signed links fit). */
export const MAX_LIST_CHARS = 16 * 1024 * 1024;
/** The longest link the API takes (schemas.ts). */
const MAX_LINK = 8192;

/** What one entry asks `add` for: the URL form of an add request. */
export interface ListRequest {
  url: string;
  dest_dir?: string;
  filename?: string;
  /** Named as header-names.ts spells them. */
  headers?: Record<string, string>;
  sha256?: string;
  speed_limit?: number;
}

export interface ListNote {
  line: number;
  message: string;
}

/** A download the list asks for. */
export interface ListEntry {
  /** The line of its link, from 1. */
  line: number;
  /** Its lines as written (the link and its options), so they can go back into the box. */
  source: string;
  request: ListRequest;
  /** What of its lines is not used (mirrors, options Steadfast has no use for): shown, never silently dropped. */
  notes: ListNote[];
}

/** Lines that cannot become a download, and why. */
export interface ListProblem {
  line: number;
  source: string;
  message: string;
}

export interface ParsedList {
  entries: ListEntry[];
  problems: ListProblem[];
}

export interface ListOptions {
  /** Where a relative `dir=` is taken from (the dialog's folder, else the download folder); without one it is refused. */
  baseDir?: string;
}

const SCHEMES = ['http:', 'https:', 's3:'];

/** Why `value` is not a link Steadfast can download, or null when it is one. */
export function linkProblem(value: string): string | null {
  if (value.length > MAX_LINK) return `the link is longer than ${MAX_LINK} characters`;
  if (value.startsWith('s3://')) return /^s3:\/\/[^/\s]+\/\S/.test(value) ? null : 'an S3 link is s3://bucket/key';
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    return 'not a link';
  }
  return SCHEMES.includes(protocol) ? null : `${protocol} links cannot be downloaded: only http://, https:// and s3://`;
}

const isAbsolute = (folder: string): boolean => /^(\/|[A-Za-z]:[\\/]|[\\/]{2})/.test(folder);

/** `base` + `relative`, with the separator `base` uses; null when `relative` climbs out with `..`. */
function under(base: string, relative: string): string | null {
  const parts = relative.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) return null;
  const separator = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  return [base.replace(/[\\/]+$/, ''), ...parts].join(separator);
}

/** aria2's `max-download-limit`: bytes, or K/M (1024-based); 0 is no limit. */
function parseSpeed(value: string): number | null | undefined {
  const match = /^(\d+(?:\.\d+)?)([KkMm]?)$/.exec(value);
  if (match === null) return undefined;
  const factor = match[2] === '' ? 1 : /k/i.test(match[2]!) ? 1024 : 1024 * 1024;
  const bytes = Math.round(Number(match[1]) * factor);
  return bytes === 0 ? null : bytes;
}

const HEADER_NAMES = new Map<string, RequestHeaderName>(REQUEST_HEADER_NAMES.map((name) => [name.toLowerCase(), name]));
const SENT_HEADERS = `${REQUEST_HEADER_NAMES.slice(0, -1).join(', ')} and ${REQUEST_HEADER_NAMES.at(-1)}`;

/** An entry being read: its request so far, or the reason it cannot be added. */
interface Draft {
  line: number;
  lines: string[];
  request: ListRequest;
  notes: ListNote[];
  problem: ListNote | null;
}

function setHeader(draft: Draft, line: number, name: RequestHeaderName, value: string): void {
  const headers = (draft.request.headers ??= {});
  if (headers[name] !== undefined) draft.notes.push({ line, message: `${name} is given twice: the last one is used` });
  headers[name] = value;
}

/** Applies one option line to the entry above it: a problem makes the entry invalid, a note is shown. */
function applyOption(draft: Draft, line: number, text: string, options: ListOptions): void {
  const equals = text.indexOf('=');
  if (equals <= 0) {
    draft.problem ??= { line, message: 'not an option (name=value)' };
    return;
  }
  const name = text.slice(0, equals).trim();
  const value = text.slice(equals + 1).trim();
  const fail = (message: string) => void (draft.problem ??= { line, message });
  switch (name) {
    case 'dir': {
      if (value === '') return fail('dir= needs a folder');
      if (isAbsolute(value)) draft.request.dest_dir = value;
      else if (options.baseDir === undefined) fail(`dir=${value} is relative and there is no folder to put it under`);
      else {
        const folder = under(options.baseDir, value);
        if (folder === null) fail(`dir=${value} climbs out of the download folder with ".."`);
        else draft.request.dest_dir = folder;
      }
      return;
    }
    case 'out':
      if (value === '' || value === '.' || value === '..') return fail('out= needs a file name');
      if (/[\\/]/.test(value)) return fail(`out=${value} is not a file name: put folders in dir=`);
      draft.request.filename = value;
      return;
    case 'header': {
      const colon = value.indexOf(':');
      const headerName = colon > 0 ? HEADER_NAMES.get(value.slice(0, colon).trim().toLowerCase()) : undefined;
      const headerValue = value.slice(colon + 1).trim();
      if (colon <= 0 || headerValue === '') return fail('header= takes "Name: value"');
      if (headerName === undefined) {
        draft.notes.push({ line, message: `header ${value.slice(0, colon).trim()} is not sent: only ${SENT_HEADERS} are` });
        return;
      }
      setHeader(draft, line, headerName, headerValue);
      return;
    }
    case 'referer':
      if (value === '') return fail('referer= needs a value');
      // aria2's "*" means: the link itself.
      setHeader(draft, line, 'Referer', value === '*' ? draft.request.url : value);
      return;
    case 'user-agent':
      if (value === '') return fail('user-agent= needs a value');
      setHeader(draft, line, 'User-Agent', value);
      return;
    case 'checksum': {
      const [kind = '', digest = ''] = value.split(/=(.*)/s);
      if (kind.toLowerCase() !== 'sha-256') {
        draft.notes.push({ line, message: `the ${kind || 'given'} checksum is not checked: only sha-256 is` });
        return;
      }
      if (!/^[0-9a-fA-F]{64}$/.test(digest)) return fail('a sha-256 checksum is 64 hexadecimal characters');
      draft.request.sha256 = digest.toLowerCase();
      return;
    }
    case 'max-download-limit': {
      const speed = parseSpeed(value);
      if (speed === undefined) return fail(`max-download-limit=${value} is not a speed (like 500K or 2M)`);
      if (speed !== null && speed < 1024) return fail('max-download-limit is at least 1K');
      if (speed === null) delete draft.request.speed_limit;
      else draft.request.speed_limit = speed;
      return;
    }
    default:
      draft.notes.push({ line, message: `option ${name} is not used by Steadfast` });
  }
}

/** A link line: the first link is the download; aria2's TAB-separated mirrors are reported, not used. */
function startDraft(line: number, text: string): Draft {
  const [link = '', ...mirrors] = text
    .split('\t')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const problem = linkProblem(link);
  const draft: Draft = { line, lines: [text], request: { url: link }, notes: [], problem: problem === null ? null : { line, message: problem } };
  if (mirrors.length > 0) {
    const count = mirrors.length === 1 ? '1 mirror link is' : `${mirrors.length} mirror links are`;
    draft.notes.push({ line, message: `${count} not used: Steadfast downloads from the first link` });
  }
  return draft;
}

/**
 * Reads a list. Every line ends up in an entry, a problem (with its line number), or is a
 * comment or blank: none is dropped unseen. A BOM and CRLF or CR line ends are accepted.
 */
export function parseDownloadList(text: string, options: ListOptions = {}): ParsedList {
  const entries: ListEntry[] = [];
  const problems: ListProblem[] = [];
  if (text.length > MAX_LIST_CHARS) {
    problems.push({ line: 1, source: '', message: `the list is larger than ${MAX_LIST_CHARS / 1024 / 1024} MiB` });
    return { entries, problems };
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const finish = (draft: Draft | null) => {
    if (draft === null) return;
    const source = draft.lines.join('\n');
    if (draft.problem === null) entries.push({ line: draft.line, source, request: draft.request, notes: draft.notes });
    else problems.push({ ...draft.problem, source });
  };
  let draft: Draft | null = null;
  for (let index = 0; index < lines.length; index += 1) {
    const text = lines[index]!;
    const line = index + 1;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (/^[ \t]/.test(text)) {
      if (draft === null) problems.push({ line, source: text, message: 'an option must follow a link' });
      else {
        draft.lines.push(text);
        applyOption(draft, line, trimmed, options);
      }
      continue;
    }
    finish(draft);
    if (entries.length + problems.length >= MAX_LIST_ENTRIES) {
      problems.push({
        line,
        source: lines.slice(index).join('\n'),
        message: `this line and the ones after it were not read: a list holds at most ${MAX_LIST_ENTRIES.toLocaleString('en')} links`,
      });
      return { entries, problems };
    }
    draft = startDraft(line, text);
  }
  finish(draft);
  return { entries, problems };
}

/** The lines of what was not added (entries that failed, problems), in list order: what the box keeps. */
export function remainingLines(items: readonly { line: number; source: string }[]): string {
  return [...items]
    .sort((a, b) => a.line - b.line)
    .map((item) => item.source)
    .join('\n');
}

/**
 * Adds each entry with `add`, one at a time and in order (so the list shows them in the list's
 * order). Returns those that failed, each with its lines and the error: none is lost.
 */
export async function addEntries(
  entries: readonly ListEntry[],
  add: (entry: ListEntry) => Promise<unknown>,
  progress: (done: number) => void = () => undefined,
): Promise<ListProblem[]> {
  const failed: ListProblem[] = [];
  for (const [index, entry] of entries.entries()) {
    progress(index);
    try {
      await add(entry);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failed.push({ line: entry.line, source: entry.source, message: `${withoutCredentials(entry.request.url)}: ${message}` });
    }
  }
  return failed;
}
