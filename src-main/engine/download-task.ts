import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatBytes } from '../contract/format.js';
import type { ByteSource, Validator } from './byte-source.js';
import { classifyDiskError, classifyNetworkError } from './classify-error.js';
import { freeBytes } from './disk-space.js';
import { DownloadError, permanentError, transientError } from './download-error.js';
import type { DownloadRecord } from './download-store.js';
import { PartialFile } from './partial-file.js';
import { MIN_SPLIT, RangeRestart, type Segment, SegmentedTransfer } from './segmented-transfer.js';
import { SequentialWriter } from './sequential-writer.js';

/** The response's facts an attempt hands back before it writes its first byte. */
export interface ResponseFacts {
  start: number;
  total: number | null;
  validator: Validator;
  restartReason: string | null;
  suggestedName: string | null;
}

export interface AttemptContext {
  record: DownloadRecord;
  source: ByteSource;
  stallTimeoutMs: number;
  /** Aborted when the user pauses, cancels or removes the download, or the engine shuts down. */
  signal: AbortSignal;
  now(): number;
  /**
   * Records what the server said, with `start` as the durable offset in the same transaction
   * (a new validator must never sit beside old bytes); returns the file name to write under,
   * which may change once, on a fresh start.
   */
  onResponse(facts: ResponseFacts): string;
  /** Bytes written so far (not yet durable); called per chunk, must be cheap. */
  onBytes(position: number, chunkBytes: number): void;
  /** Connections this download may use when the server serves byte ranges. */
  connections: number;
  /** How many connections have a response open, whenever that changes. */
  onConnections(count: number): void;
  /** The byte ranges an earlier segmented attempt left; empty for a single-connection download. */
  segments: readonly Segment[];
  /** Records the ranges of a segmented download (and, from them, its durable byte count). */
  onSegments(segments: readonly Segment[]): void;
  /** Waits as long as the speed limits ask before the next bytes are read. */
  throttle(bytes: number, signal: AbortSignal): Promise<void>;
  /** `offset` bytes of the partial are on disk (fdatasync'ed): record them as the durable offset. */
  onCheckpoint(offset: number): void;
  /** The file is complete: picks the free final name to rename the partial to. */
  finalName(filename: string): string;
}

export interface AttemptResult {
  filename: string;
  total: number;
}

/**
 * The server answered a range request with the whole, unchanged file: it does not do ranges,
 * whatever it claims. Not a failure: the download starts again at once, and from then on over
 * one connection, without spending an attempt.
 */
export class OneConnectionRestart extends Error {
  override name = 'OneConnectionRestart';
}

export const partialPath = (destDir: string, filename: string): string =>
  join(destDir, `${filename}.partial`);

async function sizeOnDisk(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw classifyDiskError(error, path);
  }
}

async function ensureSpace(dir: string, needed: number): Promise<void> {
  const free = await freeBytes(dir);
  if (free < needed) {
    throw permanentError(
      'NOT_ENOUGH_SPACE',
      `Not enough disk space: need ${formatBytes(needed)}, have ${formatBytes(free)}`,
    );
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Wraps file-system work so its failures read as disk errors, not network errors. */
async function onDisk<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw classifyDiskError(error, path);
  }
}

/** Less than this in a whole stall window counts as a stall: a 1 byte/s drip is not a download. */
const LOW_SPEED_BYTES = 1024;

/**
 * Aborts an attempt when no byte (nor the response headers) has arrived for the stall timeout,
 * or when less than LOW_SPEED_BYTES arrived in a whole window of it. It checks timestamps rather
 * than re-arming a timer per chunk, which would cost more than the write at gigabit rates. Time
 * spent waiting on our own speed limit does not count: while we do not read, nothing arrives.
 */
function stallWatchdog(timeoutMs: number, now: () => number, abort: (error: DownloadError) => void) {
  const seconds = Math.round(timeoutMs / 1000);
  let lastActivity = now();
  let windowStart = lastActivity;
  let windowBytes = 0;
  // Connections waiting on our speed limit, and since when the first of them has been waiting.
  let throttled = 0;
  let throttledSince = 0;
  const timer = setInterval(
    () => {
      if (throttled > 0) return;
      const at = now();
      if (at - lastActivity >= timeoutMs) {
        abort(transientError('STALLED', `No data received for ${seconds} s`));
      } else if (at - windowStart >= timeoutMs) {
        if (windowBytes < LOW_SPEED_BYTES) {
          abort(transientError('STALLED', `Less than ${formatBytes(LOW_SPEED_BYTES)} received in ${seconds} s`));
        }
        windowStart = at;
        windowBytes = 0;
      }
    },
    Math.max(25, Math.min(1000, timeoutMs / 4)),
  );
  return {
    /** Something arrived: `bytes` of body, or none for the response headers. */
    touch: (bytes = 0) => {
      lastActivity = now();
      if (bytes > 0) {
        windowBytes += bytes;
      } else {
        // A response just began: its speed is judged from here.
        windowStart = lastActivity;
        windowBytes = 0;
      }
    },
    /**
     * Runs our own speed limit's wait with the clocks stopped. Connections wait on a shared limit
     * at the same time, so the clocks move by the time any of them waited, counted once.
     */
    async excuse(wait: () => Promise<void>): Promise<void> {
      if (throttled === 0) throttledSince = now();
      throttled += 1;
      try {
        await wait();
      } finally {
        throttled -= 1;
        if (throttled === 0) {
          const at = now();
          lastActivity = Math.min(at, lastActivity + (at - throttledSince));
          windowStart = Math.min(at, windowStart + (at - throttledSince));
        }
      }
    },
    stop: () => clearInterval(timer),
  };
}

/** Several connections pay off only for a known size, a validator and a server that serves ranges. */
function worthSplitting(ctx: AttemptContext, opened: { total: number | null; acceptsRanges: boolean; validator: Validator }, start: number): boolean {
  const { etag, lastModified } = opened.validator;
  return (
    ctx.connections > 1 &&
    opened.acceptsRanges &&
    (etag !== null || lastModified !== null) &&
    opened.total !== null &&
    opened.total - start >= 2 * MIN_SPLIT
  );
}

/**
 * One attempt of one download: resume from the durable offset (or the durable ranges), stream
 * into the partial with checkpoints over one or several connections, verify, and rename.
 * Throws a DownloadError (or the abort reason when stopped).
 */
export async function runAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { record, source } = ctx;
  const controller = new AbortController();
  const stopOnUserAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) stopOnUserAbort();
  ctx.signal.addEventListener('abort', stopOnUserAbort, { once: true });
  const watchdog = stallWatchdog(ctx.stallTimeoutMs, ctx.now, (error) => controller.abort(error));

  let file: PartialFile | null = null;
  let writer: SequentialWriter | null = null;
  let body: Readable | null = null;

  const segmented = async (partial: PartialFile, total: number, validator: Validator, segments: readonly Segment[], first: { segment: number; body: Readable } | null) => {
    const transfer = new SegmentedTransfer(
      {
        file: partial,
        source,
        total,
        validator,
        connections: ctx.connections,
        signal: controller.signal,
        abort: (reason) => controller.abort(reason),
        now: ctx.now,
        touch: watchdog.touch,
        onBytes: ctx.onBytes,
        throttle: (bytes, signal) => watchdog.excuse(() => ctx.throttle(bytes, signal)),
        onConnections: ctx.onConnections,
        doneReceiving: watchdog.stop,
        onSegments: ctx.onSegments,
      },
      segments,
    );
    try {
      await transfer.run(first);
    } catch (error) {
      if (!(error instanceof RangeRestart)) throw error;
      // The ranges no longer belong to one file: forget them; the next attempt starts from 0.
      ctx.onSegments([]);
      if (error.rangesIgnored) {
        throw new OneConnectionRestart(`${source.displayHost} ignored a byte-range request; downloading again over one connection from the start.`);
      }
      throw transientError('BAD_RESPONSE', error.message);
    }
  };

  try {
    await onDisk(record.dest_dir, () => mkdir(record.dest_dir, { recursive: true }));
    const validator = { etag: record.etag, lastModified: record.last_modified };
    let filename = record.filename;
    let path = partialPath(record.dest_dir, filename);
    let size: number;

    if (ctx.segments.length > 0 && record.total_bytes !== null) {
      // Ranges left by an earlier attempt: each resumes at its own durable offset. Bytes past
      // them are rewritten, so the partial is not cut here.
      const done = ctx.segments.reduce((sum, s) => sum + s.done, 0);
      await ensureSpace(record.dest_dir, record.total_bytes - done);
      const partial = await onDisk(path, () => PartialFile.open(path));
      file = partial;
      await segmented(partial, record.total_bytes, validator, ctx.segments, null);
      size = record.total_bytes;
    } else {
      // After a crash the partial may hold bytes past the durable offset that were never
      // fsync'ed; they are untrusted and get cut. A partial shorter than the record wins too.
      const existing = await sizeOnDisk(path);
      const offset = Math.min(record.downloaded_bytes, existing);
      if (record.total_bytes !== null) await ensureSpace(record.dest_dir, record.total_bytes - offset);

      const opened = await source.open({ offset, total: record.total_bytes, validator, signal: controller.signal });
      watchdog.touch();
      if (opened.kind === 'body') body = opened.body;
      filename = opened.kind === 'complete' ? record.filename : ctx.onResponse(opened);
      path = partialPath(record.dest_dir, filename);
      const start = opened.kind === 'complete' ? opened.total : opened.start;
      if (opened.kind === 'body' && opened.total !== null && record.total_bytes === null) {
        await ensureSpace(record.dest_dir, opened.total - start);
      }
      const partial = await onDisk(path, () => PartialFile.open(path));
      file = partial;
      await onDisk(path, () => partial.truncate(start));

      if (opened.kind === 'body' && opened.total !== null && worthSplitting(ctx, opened, start)) {
        // What is already on disk becomes a finished range; the rest is fetched in parallel,
        // starting with the response already open.
        const segments: Segment[] = start > 0 ? [{ start: 0, end: start, done: start }] : [];
        segments.push({ start, end: opened.total, done: 0 });
        ctx.onSegments(segments);
        body = null;
        await segmented(partial, opened.total, opened.validator, segments, { segment: segments.length - 1, body: opened.body });
        size = opened.total;
      } else {
        const out = new SequentialWriter(partial, start, ctx.onCheckpoint, ctx.now);
        writer = out;
        if (opened.kind === 'body') {
          ctx.onConnections(1);
          const { total } = opened;
          try {
            for await (const chunk of opened.body as AsyncIterable<Buffer>) {
              watchdog.touch(chunk.byteLength);
              const room = total === null ? chunk.byteLength : total - out.position;
              const data = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
              await onDisk(path, () => out.append(data));
              ctx.onBytes(out.position, data.byteLength);
              await watchdog.excuse(() => ctx.throttle(data.byteLength, controller.signal));
              if (data !== chunk) {
                throw transientError(
                  'BODY_TOO_LONG',
                  `${source.displayHost} sent more bytes than the ${formatBytes(total ?? 0)} it announced`,
                );
              }
            }
          } catch (error) {
            if (controller.signal.aborted) throw controller.signal.reason;
            throw error instanceof DownloadError ? error : classifyNetworkError(error, source.displayHost);
          }
          if (controller.signal.aborted) throw controller.signal.reason;
          // Every byte is in: the final sync, the checksum and the rename may take longer than the
          // stall timeout on a slow disk, and are not a stalled connection.
          watchdog.stop();
          ctx.onConnections(0);
          if (total !== null && out.position < total) {
            throw transientError(
              'SHORT_BODY',
              `The connection to ${source.displayHost} closed early (${formatBytes(out.position)} of ${formatBytes(total)})`,
            );
          }
        }
        await onDisk(path, () => out.settle());
        writer = null;
        size = out.position;
      }
    }
    await file.close();
    file = null;

    // A pause or cancel that came while the last bytes were written still counts.
    if (controller.signal.aborted) throw controller.signal.reason;
    if (record.expected_sha256 !== null) {
      const actual = await onDisk(path, () => sha256Of(path));
      if (actual !== record.expected_sha256) {
        throw permanentError(
          'CHECKSUM_MISMATCH',
          `Checksum mismatch: expected SHA-256 ${record.expected_sha256}, got ${actual}`,
        );
      }
    }
    if (controller.signal.aborted) throw controller.signal.reason;
    const finalName = ctx.finalName(filename);
    await onDisk(path, () => rename(path, join(record.dest_dir, finalName)));
    return { filename: finalName, total: size };
  } catch (error) {
    const ours = error instanceof DownloadError || error instanceof OneConnectionRestart;
    throw controller.signal.aborted && !ours ? controller.signal.reason : error;
  } finally {
    watchdog.stop();
    ctx.onConnections(0);
    // A response given up before it was read to the end must not hold its socket open.
    body?.destroy();
    ctx.signal.removeEventListener('abort', stopOnUserAbort);
    // Whatever was received is kept: written, synced and recorded, so a retry fetches none of it again.
    await writer?.settle().catch(() => undefined);
    await file?.close().catch(() => undefined);
  }
}
