/** The fault origin's normal response to a request: ranges, If-Range and validators (see fault-origin.ts). */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { ServedFile } from './fault-origin-types.js';

export const EMPTY = Buffer.alloc(0);

export interface Entry {
  file: ServedFile;
  etag: string | null;
  gzipped?: Buffer;
}

/** The response that would be sent without a fault. The faults are changes made to it. */
export interface Plan {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function defaultEtag(content: Buffer): string {
  return `"${createHash('sha1').update(content).digest('hex').slice(0, 16)}"`;
}

export function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * Reads a single `bytes=` range. Returns null when the header is to be
 * ignored: bad syntax, several ranges, or a wrong unit. RFC 9110 lets a
 * server ignore those, and treating them as a 200 is what real servers do.
 */
function parseRange(header: string, total: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    // Suffix range: the last `b` bytes.
    const n = Number(b);
    if (n === 0 || total === 0) return 'unsatisfiable';
    return { start: Math.max(0, total - n), end: total - 1 };
  }
  const start = Number(a);
  const end = b === '' ? total - 1 : Number(b);
  if (b !== '' && end < start) return null;
  if (start >= total) return 'unsatisfiable';
  return { start, end: Math.min(end, total - 1) };
}

/** RFC 9110 §13.1.5: a range is only sent if the validator still matches. A weak tag never matches. */
function ifRangeMatches(value: string, entry: Entry): boolean {
  const v = value.trim();
  if (v.startsWith('"') || v.startsWith('W/')) {
    return !v.startsWith('W/') && entry.etag !== null && !entry.etag.startsWith('W/') && v === entry.etag;
  }
  const lm = entry.file.lastModified;
  if (!lm) return false;
  if (v === lm) return true;
  const a = Date.parse(v);
  const b = Date.parse(lm);
  return !Number.isNaN(a) && a === b;
}

export function planNormal(req: http.IncomingMessage, entry: Entry, honorRange: boolean): Plan {
  const content = entry.file.content;
  const total = content.length;
  const headers: Record<string, string> = { 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
  if (entry.etag !== null) headers['ETag'] = entry.etag;
  if (entry.file.lastModified) headers['Last-Modified'] = entry.file.lastModified;
  if (entry.file.contentDisposition) headers['Content-Disposition'] = entry.file.contentDisposition;
  Object.assign(headers, entry.file.headers);

  const rangeHeader = req.headers.range;
  // RFC 9110 defines Range only for GET, and HEAD must ignore it.
  const wantsRange = honorRange && req.method === 'GET' && typeof rangeHeader === 'string';
  const rawIfRange = req.headers['if-range'];
  const ifRange = Array.isArray(rawIfRange) ? rawIfRange.join(', ') : rawIfRange;
  const range =
    wantsRange && (ifRange === undefined || ifRangeMatches(ifRange, entry)) ? parseRange(rangeHeader, total) : null;

  if (range === 'unsatisfiable') {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${total}`, 'Content-Length': '0' }, body: EMPTY };
  }
  if (range) {
    const body = content.subarray(range.start, range.end + 1);
    return {
      status: 206,
      headers: { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${total}`, 'Content-Length': String(body.length) },
      body,
    };
  }
  return { status: 200, headers: { ...headers, 'Content-Length': String(total) }, body: content };
}
