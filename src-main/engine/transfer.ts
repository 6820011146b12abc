import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatBytes } from '../contract/format.js';
import type { ByteSource, Validator } from './byte-source.js';
import { classifyDiskError, classifyNetworkError } from './classify-error.js';
import { CONNECTION_RETRY_MS, endsAllConnections, everyConnectionFailed, turnedAway } from './connection-failures.js';
import { DownloadError, transientError } from './download-error.js';
import type { PartialFile } from './partial-file.js';
import { accessRefusal, RefusedResponse, refusalError } from './link-refusal.js';
import { judgeResponse, type Refusal, type RestartReason } from './resume-rules.js';
import { durableBytes, isDone, OPEN_END, type Segment, spread } from './segments.js';
import { SequentialWriter } from './sequential-writer.js';
import { asFetching, newWorker, receive, type Worker } from './range-worker.js';
import { noteBytes, watchConnections } from './stall-watchdog.js';
import { pickSteal, SILENT_FACTOR, SILENT_MIN_MS } from './work-stealing.js';

export interface TransferContext {
  file: PartialFile;
  source: ByteSource;
  /** The file's size when known; a range of unknown size ends where its body ends. */
  total: number | null;
  /** The version every range must belong to. */
  validator: Validator;
  /** The file is a web page itself (resume-rules.ts `Ask`). */
  webPage: boolean;
  /** Connections to run: 1 never splits. */
  connections: number;
  /** A connection that moves (almost) nothing for this long is cut and reconnects. */
  stallTimeoutMs: number;
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
  /** One connection failed and will reconnect on its own, while the others go on (not a failed attempt). */
  onConnectionRetry(error: DownloadError): void;
  /**
   * The host refused an extra connection while another was receiving bytes: it allows no more
   * than `connections`, the ones still working.
   */
  onHostLimit(connections: number): void;
}

/** A response already open for one range (the attempt's first request), so it is not fetched twice. */
export interface OpenBody {
  segment: Segment;
  body: Readable;
  /** Asked for everything to the end of the file: bytes past the known size are the server's error. */
  openEnded: boolean;
}

/** A range's response that cannot continue the partial; `reason` says why. */
export class RangeRestart extends Error {
  override name = 'RangeRestart';

  constructor(readonly reason: RestartReason) {
    super(`A byte range could not be continued: ${reason}`);
  }
}

/** How often an idle connection looks again for a slow one to relieve (it is also woken when a range ends). */
const TAIL_CHECK_MS = 250;

/**
 * Fetches the unfinished segments of one download into its partial file: one read loop per
 * connection, each writing its own range with positional writes and its own checkpoints
 * (ARCHITECTURE.md §5). A connection that finishes its range takes the next unstarted one, or
 * half of the largest range still being fetched (work stealing), so all stay busy to the end.
 * A connection that fails puts its range back and reconnects on its own; an error that ends the
 * attempt stops every connection, each records what it wrote, and the next attempt resumes
 * every range.
 */
export class Transfer {
  private readonly segments: Segment[];
  private readonly active = new Set<Worker>();
  /** Ranges some connection owns, from the moment it is handed one (before its request is answered). */
  private readonly claimed = new Set<Segment>();
  /** Ranges written to their end but not yet synced: one fdatasync at the end covers them all. */
  private readonly unsynced: { segment: Segment; position: number }[] = [];
  private received: number;
  /** Connections this transfer runs: the configured number, or fewer when the ranges are few. */
  private width = 0;
  /** Connections still working: not retired by a host limit, not out of retries, not done. */
  private working = 0;
  /** No request before this time (epoch ms): a Retry-After on any connection holds them all. */
  private holdUntil = 0;
  /** The longest a range request of this transfer took to bring its first byte, once one has. */
  private answerMs: number | null = null;
  /** Wakes the idle connections: a range ended or was put back. */
  private nudge: () => void = () => undefined;
  private nudged: Promise<void> | null = null;

  /** `segments` is shared with the caller: an open body's segment must be one of them. */
  constructor(
    private readonly ctx: TransferContext,
    segments: Segment[],
  ) {
    this.segments = segments;
    this.received = segments.reduce((sum, s) => sum + s.done, 0);
  }

  /** Runs to the end and returns the file's size. */
  async run(first: OpenBody | null): Promise<number> {
    const count = this.segments.length;
    const pending = this.ctx.connections > 1 ? spread(this.segments, this.ctx.connections) : this.segments.filter((s) => !isDone(s));
    if (this.segments.length > count) this.ctx.onSegments(this.segments);
    this.width = Math.min(this.ctx.connections, pending.length);
    this.working = this.width;
    const starters: (() => Promise<void>)[] = [];
    for (let i = 0; i < this.width; i++) {
      const segment = pending[i]!;
      starters.push(() => this.work(segment, first !== null && segment === first.segment ? first : null));
    }
    if (first !== null && !pending.slice(0, this.width).includes(first.segment)) first.body.destroy();
    const stopWatch = this.width > 1 ? watchConnections(() => this.active, this.ctx.stallTimeoutMs, this.ctx.now) : () => undefined;
    const results = await Promise.allSettled(starters.map((start) => start()));
    stopWatch();
    this.ctx.doneReceiving();
    await this.syncFinished();
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // A refusal says how far the download got: only now has every connection recorded its bytes.
    if (failure) throw failure.reason instanceof RefusedResponse ? failure.reason.keeping(durableBytes(this.segments)) : failure.reason;
    // Stopped while a connection waited to reconnect: that is why ranges are missing.
    if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
    if (this.segments.some((s) => !isDone(s))) {
      throw transientError('SHORT_BODY', `Some byte ranges of the file were not received from ${this.ctx.source.displayHost}`);
    }
    return this.segments.reduce((end, s) => Math.max(end, s.end), 0);
  }

  /**
   * One connection: its range, then whatever it can take from the others, until none is left.
   * A transient failure of a split download's connection puts its range back and the
   * connection reconnects on its own schedule; a permanent one, or the last connection running
   * out of retries, ends the attempt for all.
   */
  private async work(assigned: Segment, open: OpenBody | null): Promise<void> {
    let segment: Segment | null = assigned;
    let first = open;
    let failures = 0;
    let transferred = false;
    try {
      while (segment !== null && !this.ctx.signal.aborted) {
        this.claimed.add(segment);
        const progress = { bytes: 0 };
        const started = this.ctx.now();
        let released = false;
        try {
          await this.fetch(segment, first, progress);
          failures = 0;
        } catch (error) {
          const failure = this.recoverable(error);
          if (failure === null) {
            // A refusal's words are complete: it is about the link, not about one connection.
            throw this.width < 2 || !(error instanceof DownloadError) || error instanceof RefusedResponse ? error : endsAllConnections(error, this.width);
          }
          // An extra connection turned away while others transfer: the host allows fewer than we
          // opened. (One that transferred before and is refused later, as in an outage, retries.)
          if (!transferred && progress.bytes === 0 && [...this.active].some((w) => w.bytes > 0) && turnedAway(failure)) {
            this.ctx.onHostLimit(this.working - 1);
            return;
          }
          if (progress.bytes > 0) failures = 0;
          failures += 1;
          if (failures > CONNECTION_RETRY_MS.length) {
            if (this.working === 1) throw everyConnectionFailed(failure);
            return;
          }
          this.ctx.onConnectionRetry(failure);
          // Free the range while this connection waits: an idle one may take it at once (and claim it).
          this.claimed.delete(segment);
          released = true;
          this.nudge();
          if (failure.retryAfterMs !== null) this.holdUntil = Math.max(this.holdUntil, this.ctx.now() + failure.retryAfterMs);
          await this.wait(CONNECTION_RETRY_MS[failures - 1]!);
        } finally {
          if (!released) this.claimed.delete(segment);
          if (progress.bytes > 0) transferred = true;
          this.nudge();
        }
        first = null;
        segment = await this.nextWork((progress.bytes / Math.max(this.ctx.now() - started, 1)) * 1000);
        if (segment !== null && this.holdUntil > this.ctx.now()) await this.wait(this.holdUntil - this.ctx.now());
      }
    } catch (error) {
      // This ends the attempt: the other connections end with the abort.
      if (!this.ctx.signal.aborted) this.ctx.abort(error);
      throw this.ctx.signal.reason;
    } finally {
      this.working -= 1;
      first?.body.destroy();
    }
  }

  /** A failure one connection may recover from on its own: transient, and the download is split. */
  private recoverable(error: unknown): DownloadError | null {
    if (this.ctx.signal.aborted || this.width < 2) return null;
    return error instanceof DownloadError && error.transient ? error : null;
  }

  /**
   * The next range for a connection that finished one: an unstarted range, or part of one still
   * being fetched. While others are still fetching, an idle connection stays to take the tail
   * off one of them that turns out slow.
   */
  private async nextWork(speed: number): Promise<Segment | null> {
    for (;;) {
      const segment = this.nextUnstarted() ?? this.steal(speed);
      // Taken at once: another idle connection woken with this one must not get it too.
      if (segment !== null) this.claimed.add(segment);
      if (segment !== null || this.active.size === 0 || this.ctx.signal.aborted) return segment;
      this.nudged ??= new Promise((wake) => {
        this.nudge = () => {
          this.nudged = null;
          wake();
        };
      });
      // Soon enough to relieve a silent connection once it counts as silent (work-stealing.ts).
      const interval = this.answerMs === null ? TAIL_CHECK_MS : Math.min(TAIL_CHECK_MS, Math.max(SILENT_FACTOR * this.answerMs, SILENT_MIN_MS));
      await this.wait(interval, this.nudged);
    }
  }

  /** Sleeps, but not past a stop of the attempt. */
  private async wait(ms: number, orUntil?: Promise<void>): Promise<void> {
    // A timer left behind would keep the process alive after the download (the CLI exits when idle).
    const done = new AbortController();
    const nap = sleep(ms, undefined, { signal: AbortSignal.any([this.ctx.signal, done.signal]) }).catch(() => undefined);
    await (orUntil === undefined ? nap : Promise.race([nap, orUntil]));
    done.abort();
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
    return this.segments.find((s) => !this.claimed.has(s) && !written.has(s) && !isDone(s)) ?? null;
  }

  /** Part of a range still being fetched (work-stealing.ts decides which), or null. */
  private steal(thiefSpeed: number): Segment | null {
    const at = this.ctx.now();
    const fetching = [...this.active].map((worker) => asFetching(worker, at));
    const pick = pickSteal(fetching, thiefSpeed, this.answerMs);
    if (pick === null) return null;
    // All of its rest: its response is cut now rather than left to bring bytes nobody needs.
    if (pick.at === pick.victim.position) pick.victim.worker.handOver();
    const taken: Segment = { start: pick.at, end: pick.victim.segment.end, done: 0 };
    pick.victim.segment.end = pick.at;
    this.segments.push(taken);
    this.segments.sort((a, b) => a.start - b.start);
    this.ctx.onSegments(this.segments);
    return taken;
  }

  /**
   * Asks for one range. A response that is another file (or a link refusing access once bytes
   * are in) fails the download with the ranges kept; one the server mishandles ends the attempt.
   */
  private async request(segment: Segment): Promise<Readable> {
    const { ctx } = this;
    const offset = segment.start + segment.done;
    const ask = { offset, total: ctx.total, validator: ctx.validator, webPage: ctx.webPage };
    const end = segment.end === OPEN_END ? {} : { end: segment.end };
    let opened;
    try {
      opened = await ctx.source.open({ offset, ...end, validator: ctx.validator, signal: ctx.signal });
    } catch (error) {
      const refusal = durableBytes(this.segments) > 0 ? accessRefusal(error) : null;
      throw refusal === null ? error : this.refused(refusal);
    }
    const verdict = judgeResponse(ask, opened);
    if (verdict.action === 'continue' && opened.kind === 'partial') return opened.body;
    if (opened.kind === 'partial' || opened.kind === 'whole') opened.body.destroy();
    if (verdict.action === 'refuse') throw this.refused(verdict.refusal);
    // A bounded range ends before the file does, so it can never be "already complete".
    throw new RangeRestart(verdict.action === 'restart' ? verdict.reason : 'WRONG_RANGE');
  }

  private refused(refusal: Refusal): DownloadError {
    return refusalError(refusal, this.ctx.source.displayHost, durableBytes(this.segments), this.ctx.total);
  }

  private async fetch(segment: Segment, open: OpenBody | null, progress: { bytes: number }): Promise<void> {
    const { ctx } = this;
    const offset = segment.start + segment.done;
    const asked = ctx.now();
    const body = open?.body ?? (await this.request(segment));
    // Asked for everything to the end of a file of announced size: every byte past it is the
    // server's error, so the body is read to its end rather than cut off where the file ends.
    const exact = () => open?.openEnded === true && ctx.total !== null && segment.end === ctx.total;
    const writer = new SequentialWriter(
      ctx.file,
      offset,
      (durable) => {
        segment.done = durable - segment.start;
        ctx.onSegments(this.segments);
      },
      ctx.now,
    );
    const worker = newWorker(segment, body, writer, ctx.now());
    this.active.add(worker);
    ctx.onConnections(this.active.size);
    let finished = false;
    try {
      for await (const chunk of receive(body, worker)) {
        ctx.touch(chunk.byteLength);
        noteBytes(worker, chunk.byteLength, ctx.now());
        if (worker.bytes === 0 && open === null) this.answerMs = Math.max(this.answerMs ?? 0, ctx.now() - asked);
        worker.bytes += chunk.byteLength;
        // The end may have moved (another connection took the rest): stop there.
        const room = segment.end - worker.writer.position;
        const data = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
        if (data.byteLength > 0) {
          await this.onDisk(() => worker.writer.append(data));
          progress.bytes += data.byteLength;
          this.received += data.byteLength;
          ctx.onBytes(this.received, data.byteLength);
          worker.throttled = true;
          try {
            await ctx.throttle(data.byteLength, ctx.signal);
          } finally {
            worker.throttled = false;
          }
        }
        if (data !== chunk && exact()) {
          throw transientError('BODY_TOO_LONG', `${ctx.source.displayHost} sent more bytes than the ${formatBytes(segment.end)} it announced`);
        }
        if (worker.writer.position >= segment.end && !exact()) break;
        worker.waitingSince = ctx.now();
      }
      // A body of unknown size ends where the file does.
      if (segment.end === OPEN_END && !ctx.signal.aborted) segment.end = worker.writer.position;
      if (worker.writer.position >= segment.end) {
        // Written to its end: the sync waits for the others (see syncFinished).
        await this.onDisk(() => worker.writer.drain());
        this.unsynced.push({ segment, position: worker.writer.position });
        finished = true;
      }
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw worker.cutFor ?? (error instanceof DownloadError ? error : classifyNetworkError(error, ctx.source.displayHost));
    } finally {
      body.destroy();
      this.active.delete(worker);
      ctx.onConnections(this.active.size);
      this.nudge();
      // Cut short: whatever this connection received is written, synced and recorded now.
      if (!finished) {
        await this.onDisk(() => worker.writer.settle()).catch((error: unknown) => {
          if (!ctx.signal.aborted) ctx.abort(error);
        });
      }
    }
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (worker.writer.position < segment.end) {
      const detail = this.segments.length === 1 ? ` (${formatBytes(worker.writer.position)} of ${formatBytes(segment.end)})` : '';
      throw transientError('SHORT_BODY', `The connection to ${ctx.source.displayHost} closed before its bytes were all received${detail}`);
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
