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
 *
 * The types a test scripts it with are in fault-origin-types.ts, the response it plans before
 * any fault in fault-origin-plan.ts, and randomBytesSeeded in seeded-bytes.ts: this module
 * re-exports them, so tests import only this one.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { defaultEtag, EMPTY, type Entry, flattenHeaders, type Plan, planNormal } from './fault-origin-plan.js';
import type { Fault, FaultOrigin, RequestRecord, ServedFile } from './fault-origin-types.js';

/** The step of a 'slow' response: small enough that its pace is even. */
const SLOW_CHUNK = 16 * 1024;

export type { Fault, FaultOrigin, RequestRecord, ServedFile } from './fault-origin-types.js';
export { randomBytesSeeded } from './seeded-bytes.js';

const CHUNK = 64 * 1024;

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
  /** Offsets still to cut, per path (cutOnceAt). */
  const cuts = new Map<string, number[]>();

  /** The first pending cut this response carries (its offset, and where in its body), or null. */
  function firstCut(path: string, plan: { status: number; headers: Record<string, string>; body: Buffer }): { offset: number; at: number } | null {
    const pending = cuts.get(path);
    if (pending === undefined || plan.status >= 300) return null;
    const first = plan.status === 206 ? Number(/^bytes (\d+)-/.exec(plan.headers['Content-Range'] ?? '')?.[1] ?? 0) : 0;
    const index = pending.findIndex((offset) => offset >= first && offset < first + plan.body.length);
    if (index < 0) return null;
    const offset = pending[index]!;
    return { offset, at: offset - first };
  }

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

    const required = Object.entries(entry.file.requireHeaders ?? {});
    if (required.some(([name, value]) => record.headers[name] !== value)) {
      applyPlan(res, record, { status: 401, headers: { 'Content-Type': 'text/plain' }, body: EMPTY });
      res.end('sign in first\n');
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

    const cut = firstCut(path, plan);
    if (cut !== null) {
      applyPlan(res, record, plan);
      if (!(await pump(res, socket, record, plan.body, cut.at))) return;
      // Several responses may carry the byte; the first to reach it is cut, the others go on.
      const pending = cuts.get(path)!;
      const index = pending.indexOf(cut.offset);
      if (index >= 0) {
        pending.splice(index, 1);
        socket.resetAndDestroy();
      } else if (await pump(res, socket, record, plan.body.subarray(cut.at), Infinity)) {
        res.end();
      }
      return;
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
      case 'slow':
        for (let off = 0; off < plan.body.length; off += SLOW_CHUNK) {
          await sleep((SLOW_CHUNK / fault.bytesPerSecond) * 1000, undefined, { signal: lifetime.signal });
          const chunk = plan.body.subarray(off, off + SLOW_CHUNK);
          if (!(await writeChunk(res, chunk))) return;
          count(record, chunk.length);
        }
        res.end();
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
    cutOnceAt(path, ...offsets) {
      const p = normPath(path);
      cuts.set(p, [...(cuts.get(p) ?? []), ...offsets]);
    },
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
