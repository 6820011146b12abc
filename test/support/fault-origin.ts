/**
 * A real HTTP/1.1 origin server for integration and UI tests. It serves byte
 * ranges and fails in scripted ways.
 *
 * Why a hand-written `node:http` server rather than a mock: the download
 * engine's promises (resume after a cut, refuse a lying server, never
 * duplicate or lose bytes) are only worth something if they hold against
 * real sockets, with real partial writes, FINs, RSTs and stalls. A mocked
 * fetch cannot fail in those ways. The server only ever binds 127.0.0.1,
 * so tests never touch the network.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';

export interface ServedFile {
  content: Buffer;
  /** Omit this for a strong ETag made from the content hash. `null` makes a validator-less server, which the client must treat as unsafe to resume. */
  etag?: string | null;
  /** Sent as-is. It is also the only validator an HTTP-date `If-Range` can match. */
  lastModified?: string | null;
  contentDisposition?: string | null;
  /** More response headers, for example the Content-Encoding an S3 object was stored with. */
  headers?: Record<string, string>;
}

export type Fault =
  /** Served normally: holds a later fault back for a later request (e.g. past a download's first request). */
  | { kind: 'pass' }
  /** Headers and the first `bytes` body bytes are sent, then the socket is destroyed (FIN after the flushed data). This is a cut connection mid-body. */
  | { kind: 'drop-after'; bytes: number }
  /** After `bytes` body bytes the server goes silent and keeps the socket open. Only the client's own timeout (or close()) ends it. */
  | { kind: 'stall-after'; bytes: number }
  /** A canned response such as 503 + Retry-After, 404 or 429. It needs no file at the path. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** An RST as soon as the request arrives, with no response at all. */
  | { kind: 'reset' }
  /** A server that does not do ranges: 200 with the whole file even when Range was asked for. */
  | { kind: 'ignore-range' }
  /** The normal Content-Length is announced but only `bytes` are written, then the socket is ended cleanly. A clean FIN must not pass for a finished file. */
  | { kind: 'short-body'; bytes: number }
  /** A 206 whose Content-Range starts at `claimedStart` (its length still matches the body) while the body starts at the offset that was asked for. A client that trusts it would write data at the wrong position. */
  | { kind: 'lying-content-range'; claimedStart: number }
  /** Correct status and Content-Range but no Content-Length (chunked), with `bytes` junk bytes after the real data. A client must stop at the range end or reject the response. */
  | { kind: 'extra-bytes'; bytes: number }
  /** The whole file gzip-compressed, sent as a 200 with Content-Encoding: gzip (Range ignored), like a misconfigured server that ignores Accept-Encoding: identity. */
  | { kind: 'gzip' }
  /**
   * An RST once the response has sent the file's byte `offset` (an absolute position, so it
   * hits whichever connection of a segmented download carries that byte). A response that does
   * not cover the byte, or dies before reaching it, leaves the fault armed for the next request.
   */
  | { kind: 'reset-at'; offset: number }
  /** After `bytes` body bytes, one more byte each second: never silent long enough to look stalled by silence alone. */
  | { kind: 'drip-after'; bytes: number }
  /** After `bytes` body bytes the whole origin goes down: every socket dies and nothing listens for `downMs`, then it serves again on the same port. */
  | { kind: 'restart-after'; bytes: number; downMs: number }
  /** After `bytes` body bytes the file is replaced by a new version (its own ETag) and the connection is dropped. */
  | { kind: 'replace-after'; bytes: number; file: ServedFile };

export interface RequestRecord {
  /** Path without the query string, the same key that script() and bytesSent() use. */
  path: string;
  method: string;
  /** Lower-case names. Repeated headers are joined with ", ". */
  headers: Record<string, string | undefined>;
  /** `null` while no status has been chosen, and for `reset`. */
  status: number | null;
  /** Updated while the body is written, so a test can watch one response's progress. */
  bytesSent: number;
  fault: Fault['kind'] | null;
}

export interface FaultOrigin {
  readonly port: number;
  /** `http://127.0.0.1:<port><path>`. The path defaults to `/file.bin`. */
  url(path?: string): string;
  /** Replaces what a path serves, for example a file that changes between attempts. */
  setFile(path: string, file: ServedFile): void;
  /** Queues faults for the next GET/HEAD requests to `path`, one per request. Once the queue is empty, requests are served normally. */
  script(path: string, ...faults: Fault[]): void;
  /** Paces body bytes across all connections together, like one slow link, so a UI test can watch progress move. `null` means full speed. */
  throttle(bytesPerSecond: number | null, options?: { perConnection?: boolean }): void;
  /** Every request, in arrival order. */
  readonly requests: readonly RequestRecord[];
  /** Takes the origin down now (every connection dies, new ones are refused) and back up after `downMs`. */
  down(downMs: number): Promise<void>;
  /** Body bytes the kernel accepted, over all paths or for one. Framing and headers are not counted. Bytes written before a drop are counted. */
  bytesSent(path?: string): number;
  /** Destroys every socket, stalled ones included, then closes the server. */
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * A fast, deterministic pseudo-random buffer. Random content means a
 * misplaced or duplicated range shows up as a hash mismatch. Repeated
 * patterns could hide one. xorshift32 over a Uint32Array keeps 64 MiB far
 * below a second.
 * Note: the words are in platform byte order, which is little-endian on
 * every platform we run tests on.
 */
export function randomBytesSeeded(size: number, seed: number): Buffer {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`invalid size ${size}`);
  const words = new Uint32Array(Math.ceil(size / 4));
  // Scramble the seed, so nearby seeds (1, 2, 3…) give different streams at once,
  // and never let it be 0, where xorshift would stay at 0 forever.
  let x = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  if (x === 0) x = 0x6d2b79f5;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, size);
}

interface Entry {
  file: ServedFile;
  etag: string | null;
  gzipped?: Buffer;
}

/** The response that would be sent without a fault. The faults are changes made to it. */
interface Plan {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function defaultEtag(content: Buffer): string {
  return `"${createHash('sha1').update(content).digest('hex').slice(0, 16)}"`;
}

function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string | undefined> {
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

function planNormal(req: http.IncomingMessage, entry: Entry, honorRange: boolean): Plan {
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

export async function startFaultOrigin(files: Record<string, ServedFile> = {}): Promise<FaultOrigin> {
  const entries = new Map<string, Entry>();
  const queues = new Map<string, Fault[]>();
  const requests: RequestRecord[] = [];
  const sentByPath = new Map<string, number>();
  let sentTotal = 0;
  const sockets = new Set<Socket>();
  // close() aborts every pacing sleep, so no timer outlives the server.
  const lifetime = new AbortController();
  let rate: number | null = null;
  let perConnection = false;
  let nextSlot = 0;
  let closing: Promise<void> | null = null;

  const normPath = (p: string): string => (p.startsWith('/') ? p : `/${p}`);
  const setFile = (path: string, file: ServedFile): void => {
    entries.set(normPath(path), {
      file,
      etag: file.etag === undefined ? defaultEtag(file.content) : file.etag,
    });
  };
  for (const [p, f] of Object.entries(files)) setFile(p, f);

  /**
   * One shared schedule for all connections. Parallel segments then share
   * the throttled rate as they would share a real slow link. The first
   * chunk after an idle spell goes at once.
   */
  async function pace(size: number, own: { next: number }): Promise<void> {
    if (rate === null) return;
    // Per connection (like nginx's limit_rate): each response keeps its own schedule.
    const slot = perConnection ? own : { next: nextSlot };
    const now = performance.now();
    const start = Math.max(now, slot.next);
    slot.next = start + (size * 1000) / rate;
    if (!perConnection) nextSlot = slot.next;
    if (start - now >= 1) await sleep(start - now, undefined, { signal: lifetime.signal });
  }

  function chunkSize(): number {
    // When throttled, small chunks (about 16 per second) keep progress smooth rather than bursty.
    return rate === null ? CHUNK : Math.max(1, Math.min(CHUNK, Math.floor(rate / 16)));
  }

  /**
   * Resolves when the kernel has taken the chunk, or false if the
   * connection died first. The write callback is what makes bytesSent
   * honest and lets a drop happen only after the promised bytes left.
   * Waiting for each chunk is also the backpressure.
   */
  function writeChunk(res: http.ServerResponse, chunk: Buffer): Promise<boolean> {
    return new Promise((resolve) => {
      if (res.destroyed || res.socket === null || res.socket.destroyed) return resolve(false);
      let settled = false;
      const settle = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        res.off('close', onClose);
        resolve(ok);
      };
      const onClose = (): void => settle(false);
      res.once('close', onClose);
      res.write(chunk, (err) => settle(!err));
    });
  }

  /** Sends the status and headers on their own. Needed for HEAD and zero-byte faults, because Node keeps headers back until the first body write. */
  function flushHeaders(res: http.ServerResponse, socket: Socket): Promise<boolean> {
    if (socket.destroyed) return Promise.resolve(false);
    res.flushHeaders();
    return new Promise((resolve) => socket.write(EMPTY, (err) => resolve(!err)));
  }

  async function pump(res: http.ServerResponse, socket: Socket, record: RequestRecord, data: Buffer, limit: number): Promise<boolean> {
    const end = Math.min(limit, data.length);
    if (end === 0 || record.method === 'HEAD') return flushHeaders(res, socket);
    let off = 0;
    const own = { next: 0 };
    while (off < end) {
      const size = Math.min(end - off, chunkSize());
      await pace(size, own);
      if (!(await writeChunk(res, data.subarray(off, off + size)))) return false;
      off += size;
      count(record, size);
    }
    return true;
  }

  function count(record: RequestRecord, size: number): void {
    record.bytesSent += size;
    sentTotal += size;
    sentByPath.set(record.path, (sentByPath.get(record.path) ?? 0) + size);
  }

  /** Puts a fault that has not fired back at the head of its queue. */
  function rearm(path: string, fault: Fault): void {
    const q = queues.get(path) ?? [];
    q.unshift(fault);
    queues.set(path, q);
  }

  /** Every connection dies and nothing listens (connections are refused) until `downMs` have passed. */
  async function goDown(downMs: number): Promise<void> {
    if (closing !== null) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
    await sleep(downMs, undefined, { signal: lifetime.signal });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  function applyPlan(res: http.ServerResponse, record: RequestRecord, plan: Plan): void {
    res.statusCode = plan.status;
    for (const [k, v] of Object.entries(plan.headers)) res.setHeader(k, v);
    record.status = plan.status;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const socket = req.socket;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const record: RequestRecord = { path, method, headers: flattenHeaders(req.headers), status: null, bytesSent: 0, fault: null };
    requests.push(record);

    if (method !== 'GET' && method !== 'HEAD') {
      applyPlan(res, record, { status: 405, headers: { Allow: 'GET, HEAD', 'Content-Length': '0' }, body: EMPTY });
      res.end();
      return;
    }

    const fault = queues.get(path)?.shift() ?? null;
    record.fault = fault?.kind ?? null;

    if (fault?.kind === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'status') {
      const body = fault.body ?? '';
      applyPlan(res, record, { status: fault.status, headers: { ...fault.headers }, body: EMPTY });
      res.end(body);
      return;
    }

    const entry = entries.get(path);
    if (!entry) {
      applyPlan(res, record, { status: 404, headers: { 'Content-Type': 'text/plain' }, body: EMPTY });
      res.end('not found\n');
      return;
    }

    let plan = planNormal(req, entry, fault?.kind !== 'ignore-range' && fault?.kind !== 'gzip');
    if (fault?.kind === 'lying-content-range' && plan.status !== 416) {
      const total = entry.file.content.length;
      const end = fault.claimedStart + plan.body.length - 1;
      plan = { ...plan, status: 206, headers: { ...plan.headers, 'Content-Range': `bytes ${fault.claimedStart}-${end}/${total}` } };
    } else if (fault?.kind === 'extra-bytes' && plan.status !== 416) {
      const headers: Record<string, string> = { ...plan.headers, 'Transfer-Encoding': 'chunked' };
      delete headers['Content-Length'];
      plan = { ...plan, headers, body: Buffer.concat([plan.body, Buffer.alloc(fault.bytes, 0x5a)]) };
    } else if (fault?.kind === 'gzip') {
      entry.gzipped ??= gzipSync(entry.file.content);
      const headers: Record<string, string> = {
        ...plan.headers,
        'Content-Encoding': 'gzip',
        'Content-Length': String(entry.gzipped.length),
        Vary: 'Accept-Encoding',
      };
      // A strong ETag names exactly one representation, so (like nginx) weaken it for the gzip copy.
      if (entry.etag !== null && !entry.etag.startsWith('W/')) headers['ETag'] = `W/${entry.etag}`;
      plan = { status: 200, headers, body: entry.gzipped };
    }

    if (fault?.kind === 'reset-at') {
      const first = plan.status === 206 ? Number(/^bytes (\d+)-/.exec(plan.headers['Content-Range'] ?? '')?.[1] ?? 0) : 0;
      const covers = plan.status < 300 && fault.offset >= first && fault.offset < first + plan.body.length;
      if (!covers) {
        rearm(path, fault);
        record.fault = null;
      } else {
        applyPlan(res, record, plan);
        if (await pump(res, socket, record, plan.body, fault.offset - first)) socket.resetAndDestroy();
        else rearm(path, fault);
        return;
      }
    }

    applyPlan(res, record, plan);
    switch (fault?.kind) {
      case 'drip-after':
        if (!(await pump(res, socket, record, plan.body, fault.bytes))) return;
        for (let off = fault.bytes; off < plan.body.length; off++) {
          await sleep(1000, undefined, { signal: lifetime.signal });
          if (!(await writeChunk(res, plan.body.subarray(off, off + 1)))) return;
          count(record, 1);
        }
        res.end();
        return;
      case 'restart-after':
        await pump(res, socket, record, plan.body, fault.bytes);
        await goDown(fault.downMs);
        return;
      case 'replace-after':
        await pump(res, socket, record, plan.body, fault.bytes);
        setFile(path, fault.file);
        socket.destroy();
        return;
      case 'drop-after':
        await pump(res, socket, record, plan.body, fault.bytes);
        socket.destroy();
        return;
      case 'stall-after':
        // Say nothing more and leave the socket open. close() or the client ends it.
        await pump(res, socket, record, plan.body, fault.bytes);
        return;
      case 'short-body':
        if (await pump(res, socket, record, plan.body, fault.bytes)) socket.end();
        return;
      default:
        if (await pump(res, socket, record, plan.body, Infinity)) res.end();
    }
  }

  const server = http.createServer((req, res) => {
    // Writes that race a destroyed socket can emit 'error'. The writer loop already sees that as a failed write.
    res.on('error', () => undefined);
    handle(req, res).catch(() => {
      // An aborted pacing sleep (close()) or a socket gone mid-write: nothing to answer any more.
      req.socket.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: (path = '/file.bin') => `http://127.0.0.1:${port}${normPath(path)}`,
    setFile,
    script(path, ...faults) {
      const p = normPath(path);
      const q = queues.get(p) ?? [];
      q.push(...faults);
      queues.set(p, q);
    },
    throttle(bytesPerSecond, options = {}) {
      if (bytesPerSecond !== null && !(bytesPerSecond > 0)) throw new RangeError(`invalid throttle ${bytesPerSecond}`);
      rate = bytesPerSecond;
      perConnection = options.perConnection === true;
      nextSlot = 0;
    },
    get requests() {
      return requests;
    },
    down: (downMs) => goDown(downMs),
    bytesSent: (path) => (path === undefined ? sentTotal : (sentByPath.get(normPath(path)) ?? 0)),
    close() {
      closing ??= new Promise<void>((resolve) => {
        lifetime.abort();
        // While down (between goDown's close and its listen) there is nothing left to close.
        if (!server.listening) resolve();
        else server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
