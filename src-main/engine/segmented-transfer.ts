import type { Readable } from 'node:stream';
import type { ByteSource, Validator } from './byte-source.js';
import { classifyDiskError, classifyNetworkError } from './classify-error.js';
import { DownloadError, transientError } from './download-error.js';
import type { PartialFile } from './partial-file.js';
import { SequentialWriter } from './sequential-writer.js';

/** One byte range of a file: [start, end), of which `done` bytes from start are durable. */
export interface Segment {
  start: number;
  end: number;
  done: number;
}

/** No range is split below this: each connection costs a request and a TCP slow start. */
export const MIN_SPLIT = 1024 * 1024;

export interface TransferContext {
  file: PartialFile;
  source: ByteSource;
  total: number;
  validator: Validator;
  connections: number;
  /** Aborted on the first error, on pause/cancel and on a stall. */
  signal: AbortSignal;
  abort(reason: unknown): void;
  now(): number;
  /** Something arrived: `bytes` of body, or none for a response's headers. */
  touch(bytes?: number): void;
  /** Bytes received by all connections together, for progress. */
  onBytes(received: number, chunkBytes: number): void;
  throttle(bytes: number, signal: AbortSignal): Promise<void>;
  /** The segments changed (a checkpoint, a split, a finished range): record them durably. */
  onSegments(segments: readonly Segment[]): void;
  /** How many connections have a response open, whenever that changes. */
  onConnections(count: number): void;
  /** No connection is left open: only the final sync remains, which no stall timeout may cut. */
  doneReceiving(): void;
}

interface Worker {
  segment: Segment;
  writer: SequentialWriter;
}

/**
 * A download over several connections, each writing its own byte range of the partial file
 * with positional writes and its own checkpoints. A connection that finishes its range takes
 * half of the largest range still being fetched (work stealing, as download accelerators do),
 * so all connections stay busy until the end. The first error stops every connection; each
 * records what it wrote, and the next attempt resumes every range.
 */
export class SegmentedTransfer {
  private readonly segments: Segment[];
  private readonly active = new Set<Worker>();
  /** Ranges some connection owns, from the moment it is handed one (before its request is answered). */
  private readonly claimed = new Set<Segment>();
  /** Ranges written to their end but not yet synced: one fdatasync at the end covers them all. */
  private readonly unsynced: { segment: Segment; position: number }[] = [];
  private received: number;
  /** Connections this transfer runs: the configured number, or fewer when the ranges are few. */
  private width = 0;

  constructor(
    private readonly ctx: TransferContext,
    segments: readonly Segment[],
  ) {
    this.segments = segments.map((s) => ({ ...s }));
    this.received = this.segments.reduce((sum, s) => sum + s.done, 0);
  }

  /**
   * Runs to the end. `first` is a response already open for the first unfinished range (the
   * attempt's own first request), so it is not fetched twice.
   */
  async run(first: { segment: number; body: Readable } | null): Promise<void> {
    const firstSegment = first === null ? null : this.segments[first.segment]!;
    const pending = this.spread(this.segments.filter((s) => s.done < s.end - s.start));
    this.width = Math.min(this.ctx.connections, pending.length);
    const starters: (() => Promise<void>)[] = [];
    for (let i = 0; i < this.ctx.connections; i++) {
      const segment = i < pending.length ? pending[i]! : null;
      const body = first !== null && segment !== null && segment === firstSegment ? first.body : null;
      starters.push(() => this.work(segment, body));
    }
    if (first !== null && (firstSegment === null || !pending.includes(firstSegment))) first.body.destroy();
    const results = await Promise.allSettled(starters.map((start) => start()));
    this.ctx.doneReceiving();
    await this.syncFinished();
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    if (this.segments.some((s) => s.done < s.end - s.start)) {
      throw transientError('SHORT_BODY', `Some byte ranges of the file were not received from ${this.ctx.source.displayHost}`);
    }
  }

  /**
   * Shares the connections out over the unfinished ranges before any starts: each range gets
   * connections in proportion to what is left of it and is cut into that many equal parts (none
   * under MIN_SPLIT). Left to work stealing, connections starting together cut one range
   * geometrically (1/2, 1/4, … 1/64, the last finding nothing big enough to take), and the
   * imbalance cost a steal, with its new request, for every early finisher.
   */
  private spread(pending: Segment[]): Segment[] {
    const left = (s: Segment) => s.end - s.start - s.done;
    const shares = new Map(pending.map((s) => [s, 1]));
    for (let extra = this.ctx.connections - pending.length; extra > 0; extra--) {
      let best: Segment | null = null;
      let bestPart = 0;
      for (const [segment, count] of shares) {
        const part = left(segment) / (count + 1);
        if (part >= MIN_SPLIT && part > bestPart) {
          best = segment;
          bestPart = part;
        }
      }
      if (best === null) break;
      shares.set(best, shares.get(best)! + 1);
    }
    const parts: Segment[] = [];
    for (const [segment, count] of shares) {
      parts.push(segment);
      if (count === 1) continue;
      const from = segment.start + segment.done;
      const size = Math.floor(left(segment) / count);
      const end = segment.end;
      segment.end = from + size;
      for (let i = 1; i < count; i++) {
        const part: Segment = { start: from + i * size, end: i === count - 1 ? end : from + (i + 1) * size, done: 0 };
        this.segments.push(part);
        parts.push(part);
      }
    }
    if (parts.length > pending.length) {
      this.segments.sort((a, b) => a.start - b.start);
      this.ctx.onSegments(this.segments);
    }
    return parts;
  }

  /** One connection: its range, then whatever it can take from the others, until none is left. */
  private async work(assigned: Segment | null, firstBody: Readable | null): Promise<void> {
    let segment = assigned ?? this.steal();
    let body = firstBody;
    try {
      while (segment !== null && !this.ctx.signal.aborted) {
        this.claimed.add(segment);
        try {
          await this.fetch(segment, body);
        } finally {
          this.claimed.delete(segment);
        }
        body = null;
        segment = this.nextUnstarted() ?? this.steal();
      }
    } catch (error) {
      // The first failure stops every connection; the others end with the abort.
      if (!this.ctx.signal.aborted) this.ctx.abort(this.onOneOfMany(error));
      throw this.ctx.signal.reason;
    } finally {
      body?.destroy();
    }
  }

  /** Says in the error that one connection's failure ended the attempt for all of them. */
  private onOneOfMany(error: unknown): unknown {
    if (!(error instanceof DownloadError) || this.width < 2) return error;
    return new DownloadError(error.code, `${error.message} (on one of ${this.width} connections, which ends the attempt for all)`, {
      transient: error.transient,
      retryAfterMs: error.retryAfterMs,
      cause: error,
    });
  }

  /** One fdatasync for every range that reached its end, then they are recorded as done. */
  private async syncFinished(): Promise<void> {
    if (this.unsynced.length === 0) return;
    await this.onDisk(() => this.ctx.file.sync());
    for (const { segment, position } of this.unsynced.splice(0)) segment.done = position - segment.start;
    this.ctx.onSegments(this.segments);
  }

  private nextUnstarted(): Segment | null {
    const written = new Set(this.unsynced.map((u) => u.segment));
    return this.segments.find((s) => !this.claimed.has(s) && !written.has(s) && s.done < s.end - s.start) ?? null;
  }

  /** Half of the largest range still being fetched, or null when every range is too small to split. */
  private steal(): Segment | null {
    let victim: Worker | null = null;
    let largest = 0;
    for (const worker of this.active) {
      const remaining = worker.segment.end - worker.writer.position;
      if (remaining > largest) {
        largest = remaining;
        victim = worker;
      }
    }
    if (victim === null || largest < 2 * MIN_SPLIT) return null;
    const middle = victim.writer.position + Math.floor(largest / 2);
    const taken: Segment = { start: middle, end: victim.segment.end, done: 0 };
    victim.segment.end = middle;
    this.segments.push(taken);
    this.segments.sort((a, b) => a.start - b.start);
    this.ctx.onSegments(this.segments);
    return taken;
  }

  private async fetch(segment: Segment, openBody: Readable | null): Promise<void> {
    const { ctx } = this;
    const offset = segment.start + segment.done;
    let body = openBody;
    if (body === null) {
      const opened = await ctx.source.open({
        offset,
        end: segment.end,
        total: ctx.total,
        validator: ctx.validator,
        signal: ctx.signal,
      });
      if (opened.kind === 'complete') return;
      if (opened.restartReason !== null || opened.start !== offset || (opened.total !== null && opened.total !== ctx.total)) {
        opened.body.destroy();
        // The same file from byte 0: a server that says it serves ranges but does not.
        const ignored =
          opened.start === 0 &&
          opened.total === ctx.total &&
          opened.validator.etag === ctx.validator.etag &&
          opened.validator.lastModified === ctx.validator.lastModified;
        throw new RangeRestart(
          opened.restartReason ?? 'The server stopped serving byte ranges; downloading again from the start.',
          ignored,
        );
      }
      body = opened.body;
    }
    const worker: Worker = {
      segment,
      writer: new SequentialWriter(
        ctx.file,
        offset,
        (durable) => {
          segment.done = durable - segment.start;
          ctx.onSegments(this.segments);
        },
        ctx.now,
      ),
    };
    this.active.add(worker);
    ctx.onConnections(this.active.size);
    let finished = false;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        ctx.touch(chunk.byteLength);
        // The end may have moved (another connection took the rest): stop there.
        const room = segment.end - worker.writer.position;
        const data = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
        if (data.byteLength > 0) {
          await this.onDisk(() => worker.writer.append(data));
          this.received += data.byteLength;
          ctx.onBytes(this.received, data.byteLength);
          await ctx.throttle(data.byteLength, ctx.signal);
        }
        if (worker.writer.position >= segment.end) break;
      }
      if (worker.writer.position >= segment.end) {
        // Written to its end: the sync waits for the others (see syncFinished).
        await this.onDisk(() => worker.writer.drain());
        this.unsynced.push({ segment, position: worker.writer.position });
        finished = true;
      }
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw error instanceof DownloadError ? error : classifyNetworkError(error, ctx.source.displayHost);
    } finally {
      body.destroy();
      this.active.delete(worker);
      ctx.onConnections(this.active.size);
      // Cut short: whatever this connection received is written, synced and recorded now.
      if (!finished) {
        await this.onDisk(() => worker.writer.settle()).catch((error: unknown) => {
          if (!ctx.signal.aborted) ctx.abort(error);
        });
      }
    }
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (worker.writer.position < segment.end) {
      throw transientError('SHORT_BODY', `The connection to ${ctx.source.displayHost} closed before its byte range was complete`);
    }
  }

  private async onDisk<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw classifyDiskError(error, this.ctx.file.path);
    }
  }
}

/** A range request answered with another range or another file: segments cannot go on. */
export class RangeRestart extends Error {
  override name = 'RangeRestart';

  constructor(
    message: string,
    /** The server answered a range request with the whole, unchanged file: it does not do ranges. */
    readonly rangesIgnored: boolean,
  ) {
    super(message);
  }
}
