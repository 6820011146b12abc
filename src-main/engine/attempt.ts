import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { formatBytes } from '../contract/format.js';
import type { ByteSource, OpenResult, Validator } from './byte-source.js';
import { classifyDiskError } from './classify-error.js';
import { freeBytes } from './disk-space.js';
import { DownloadError, permanentError, transientError } from './download-error.js';
import type { DownloadRecord } from './download-store.js';
import { type FileIdentity, placeWithoutReplacing } from './owned-files.js';
import { PartialFile, partialPath } from './partial-file.js';
import { accessRefusal, namedAsNonPage, namedAsWebPage, refusalError, startsLikeWebPage, webPageInsteadError } from './link-refusal.js';
import { type Ask, breaksRanges, isWebPage, judgeResponse, mayResume, type Notice, oneConnectionNotice, type RestartReason } from './resume-rules.js';
import { clampToFile, durableBytes, durableEnd, MIN_SPLIT, OPEN_END, type Segment, segmentsToResume } from './segments.js';
import { stallWatchdog } from './stall-watchdog.js';
import { type OpenBody, RangeRestart, Transfer } from './transfer.js';

/** What the first response said, handed back before the first byte is written. */
export interface ResponseFacts {
  /** Where its body belongs in the file: the offset asked for, or 0 when the download starts again. */
  start: number;
  total: number | null;
  validator: Validator;
  /** Why an offset > 0 had to start again from 0, or null. */
  restart: RestartReason | null;
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
  onResponse(facts: ResponseFacts): Promise<{ filename: string; destDir: string }>;
  /** Bytes written so far (not yet durable); called per chunk, must be cheap. */
  onBytes(position: number, chunkBytes: number): void;
  /** Connections this download may use when the server serves byte ranges. */
  connections: number;
  /** How many connections have a response open, whenever that changes. */
  onConnections(count: number): void;
  /** The byte ranges recorded by an earlier split attempt; empty otherwise. */
  segments: readonly Segment[];
  /** Records the ranges (and, from them, the durable byte count): at every checkpoint, split and finished range. */
  onSegments(segments: readonly Segment[]): void;
  /** Waits as long as the speed limits ask before the next bytes are read. */
  throttle(bytes: number, signal: AbortSignal): Promise<void>;
  /** One connection of a split download failed and reconnects on its own: counted, not an attempt. */
  onConnectionRetry(error: DownloadError): void;
  /** The host turned away an extra connection: it allows `connections`. */
  onHostLimit(connections: number): void;
  /** The partial this attempt writes was just created (or adopted): record it as the download's own. */
  onPartialFile(identity: FileIdentity): void;
  /** A response begins writing at `start` on one connection (see TransferContext): the attempt's story. */
  openSpan(connection: number, start: number, position: () => number): () => void;
  /** The file is complete: picks the free final name to rename the partial to. */
  finalName(filename: string): Promise<string>;
}

export interface AttemptResult {
  filename: string;
  total: number;
}

/**
 * The server cannot serve byte ranges properly, whatever it claims. Not a failure: the download
 * starts again at once, from then on over one connection, without spending an attempt.
 */
export class OneConnectionRestart extends Error {
  override name = 'OneConnectionRestart';

  readonly notice: Notice;

  constructor(
    readonly reason: RestartReason,
    host: string,
  ) {
    const notice = oneConnectionNotice(reason, host);
    super(notice.notice);
    this.notice = notice;
  }
}

/** Another file took the final name between the choice and the rename this often: give up. */
const PLACE_TRIES = 5;

/** The partial's size, never through a link (claiming it refuses a link anyway). */
async function sizeOnDisk(path: string): Promise<number> {
  try {
    return (await lstat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw classifyDiskError(error, path);
  }
}

async function ensureSpace(dir: string, needed: number): Promise<void> {
  const free = await freeBytes(dir);
  if (free < needed) {
    throw permanentError('NOT_ENOUGH_SPACE', `Not enough disk space: need ${formatBytes(needed)}, have ${formatBytes(free)}`);
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

type FirstResponse =
  | { kind: 'complete' }
  | (ResponseFacts & { kind: 'body'; acceptsRanges: boolean; body: Readable });

function fromWhole(opened: Extract<OpenResult, { kind: 'whole' }>, restart: RestartReason | null): Extract<FirstResponse, { kind: 'body' }> {
  return {
    kind: 'body',
    start: 0,
    total: opened.total,
    // A decoded body is never resumed: recording no validator makes the next attempt start over.
    validator: opened.decoded ? { etag: null, lastModified: null } : opened.validator,
    suggestedName: opened.suggestedName,
    restart,
    // A server just caught mishandling a range is not asked for ranges again, whatever it claims.
    acceptsRanges: restart !== null && breaksRanges(restart) ? false : opened.acceptsRanges,
    body: opened.body,
  };
}

/** The page check of a fresh download: its name, when that name says it is surely not a web page. */
function refuseFreshPage(source: ByteSource, opened: OpenResult, nonPageName: string | null): void {
  if (nonPageName === null || (opened.kind !== 'whole' && opened.kind !== 'partial') || !isWebPage(opened.contentType)) return;
  opened.body.destroy();
  throw webPageInsteadError(source.displayHost, nonPageName);
}

/** Asks for the rest of a partial; a 401/403/410 now says the link stopped giving the file. */
async function openRest(source: ByteSource, ask: Ask, signal: AbortSignal): Promise<OpenResult> {
  try {
    return await source.open({ offset: ask.offset, validator: ask.validator, signal });
  } catch (error) {
    const refusal = accessRefusal(error);
    throw refusal === null ? error : refusalError(refusal, source.displayHost, ask.offset, ask.total);
  }
}

/**
 * The first request of a download that is one range: everything from its durable offset to the
 * end. A response that is not this file fails the download and leaves the partial as it is
 * (ARCHITECTURE.md §4 "Not this file"); one that cannot continue it for want of proof or of
 * range support starts again from 0, with the answer's own body when it is the whole file (no
 * second request), else with a request for it. `nonPageName` is the file's name when it is
 * surely not a web page: a fresh download answered with one is refused.
 */
async function openFirst(source: ByteSource, ask: Ask, signal: AbortSignal, mayBeSplit: boolean, nonPageName: string | null): Promise<FirstResponse> {
  if (ask.offset === 0 && mayBeSplit) {
    const opened = await source.open({ offset: 0, asRange: true, validator: ask.validator, signal });
    refuseFreshPage(source, opened, nonPageName);
    if (opened.kind === 'partial' && opened.first === 0 && !opened.encoded) {
      const { total, validator, suggestedName, body } = opened;
      return { kind: 'body', start: 0, total, validator, suggestedName, restart: null, acceptsRanges: true, body };
    }
    // A 200 to `bytes=0-`: the server does not serve ranges, whatever it claims; never split.
    if (opened.kind === 'whole') return { ...fromWhole(opened, null), acceptsRanges: false };
    // Anything else (an empty file's 416, a range it cannot serve): ask for the file plainly.
    if (opened.kind === 'partial') opened.body.destroy();
  }
  let restart = mayResume(ask);
  if (ask.offset > 0 && restart === null) {
    const opened = await openRest(source, ask, signal);
    const verdict = judgeResponse(ask, opened);
    if (verdict.action === 'complete') return { kind: 'complete' };
    if (verdict.action === 'continue' && opened.kind === 'partial') {
      const { total, validator, suggestedName, body } = opened;
      return { kind: 'body', start: ask.offset, total: total ?? ask.total, validator, suggestedName, restart: null, acceptsRanges: true, body };
    }
    if (opened.kind === 'whole' && verdict.action === 'restart' && verdict.useBody) return fromWhole(opened, verdict.reason);
    if (opened.kind === 'partial' || opened.kind === 'whole') opened.body.destroy();
    if (verdict.action === 'refuse') throw refusalError(verdict.refusal, source.displayHost, ask.offset, ask.total);
    if (verdict.action === 'restart') restart = verdict.reason;
  }
  const opened = await source.open({ offset: 0, validator: ask.validator, signal });
  refuseFreshPage(source, opened, nonPageName);
  if (opened.kind !== 'whole') {
    if (opened.kind === 'partial') opened.body.destroy();
    throw transientError('BAD_RESPONSE', `${source.displayHost} answered a request for the whole file with part of it`);
  }
  return fromWhole(opened, restart);
}

/** Several connections pay off only for a known size, a validator and a server that serves ranges. */
function worthSplitting(connections: number, first: ResponseFacts & { acceptsRanges: boolean }): boolean {
  const { etag, lastModified } = first.validator;
  return (
    connections > 1 &&
    first.acceptsRanges &&
    (etag !== null || lastModified !== null) &&
    first.total !== null &&
    first.total - first.start >= 2 * MIN_SPLIT
  );
}

/**
 * One attempt of one download (ARCHITECTURE.md §3 "What an attempt is"): trust no more of the
 * partial than it holds, ask for what is missing (one open-ended range, or every recorded
 * range), stream it in with checkpoints over one or several connections, verify, and rename.
 * Throws a DownloadError, a OneConnectionRestart, or the abort reason when stopped.
 */
export async function runAttempt(ctx: AttemptContext): Promise<AttemptResult> {
  const { record, source } = ctx;
  const controller = new AbortController();
  const stopOnUserAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) stopOnUserAbort();
  ctx.signal.addEventListener('abort', stopOnUserAbort, { once: true });
  const watchdog = stallWatchdog(ctx.stallTimeoutMs, ctx.now, (error) => controller.abort(error));

  let file: PartialFile | null = null;
  let unread: Readable | null = null;
  try {
    // The server's name may move a fresh download to another category's folder (ARCHITECTURE.md §4).
    let destDir = record.dest_dir;
    await onDisk(destDir, () => mkdir(destDir, { recursive: true }));
    let filename = record.filename;
    let path = partialPath(destDir, filename);
    let total = record.total_bytes;
    let validator: Validator = { etag: record.etag, lastModified: record.last_modified };
    const resumed = segmentsToResume(ctx.segments, total, record.downloaded_bytes);
    let segments = clampToFile(resumed, await sizeOnDisk(path));
    // The database said more than the partial holds: record what is really there before anything else.
    if (durableBytes(segments) < durableBytes(resumed)) ctx.onSegments(segments);
    if (total !== null) await ensureSpace(destDir, total - durableBytes(segments));
    const only = segments[0]!;
    // Whether a web page in answer to a resume can be this file: by its name, or by its first bytes.
    const webPage = namedAsWebPage(record.filename) || (only.start === 0 && only.done > 0 && (await startsLikeWebPage(path)));

    let first: OpenBody | null = null;
    let connections = ctx.connections;
    // One range: ask for everything from its durable offset, even for none (416 says "complete").
    if (segments.length === 1) {
      const ask = { offset: only.start + only.done, total, validator, webPage };
      const nonPageName = namedAsNonPage(record.filename) ? record.filename : null;
      const opened = await openFirst(source, ask, controller.signal, ctx.connections > 1, nonPageName);
      watchdog.touch();
      if (opened.kind !== 'complete') {
        unread = opened.body;
        const placed = await ctx.onResponse(opened);
        if (placed.destDir !== destDir) await onDisk(placed.destDir, () => mkdir(placed.destDir, { recursive: true }));
        ({ filename, destDir } = placed);
        path = partialPath(destDir, filename);
        if (opened.total !== null && total === null) await ensureSpace(destDir, opened.total - opened.start);
        ({ total, validator } = opened);
        segments = [{ start: 0, end: total ?? OPEN_END, done: opened.start }];
        first = { segment: segments[0]!, body: opened.body, openEnded: true };
        if (!worthSplitting(ctx.connections, opened)) connections = 1;
      }
    }

    const partial = await onDisk(path, () => PartialFile.claim(path, record.partial_file, record.downloaded_bytes > 0, record.downloaded_bytes === 0));
    file = partial;
    if (partial.identity !== record.partial_file) ctx.onPartialFile(partial.identity);
    // After a crash the partial may hold bytes past the durable ones that were never synced: cut them.
    const cut = durableEnd(segments);
    if ((await onDisk(path, () => partial.size())) > cut) await onDisk(path, () => partial.truncate(cut));

    const transfer = new Transfer(
      {
        file: partial,
        source,
        total,
        validator,
        webPage,
        connections,
        stallTimeoutMs: ctx.stallTimeoutMs,
        signal: controller.signal,
        abort: (reason) => controller.abort(reason),
        now: ctx.now,
        touch: watchdog.touch,
        onBytes: ctx.onBytes,
        throttle: (bytes, signal) => watchdog.excuse(() => ctx.throttle(bytes, signal)),
        onConnections: ctx.onConnections,
        doneReceiving: watchdog.stop,
        onSegments: ctx.onSegments,
        onConnectionRetry: ctx.onConnectionRetry,
        onHostLimit: ctx.onHostLimit,
        openSpan: ctx.openSpan,
      },
      segments,
    );
    unread = null;
    let size: number;
    try {
      size = await transfer.run(first);
    } catch (error) {
      if (!(error instanceof RangeRestart)) throw error;
      // The server cannot serve these ranges: forget them (a response that is another file fails
      // with a DownloadError instead, and the ranges stay for a fresh link, §4).
      ctx.onSegments([]);
      throw new OneConnectionRestart(error.reason, source.displayHost);
    }
    await file.close();
    file = null;

    // A pause or cancel that came while the last bytes were written still counts.
    if (controller.signal.aborted) throw controller.signal.reason;
    if (record.expected_sha256 !== null) {
      const actual = await onDisk(path, () => sha256Of(path));
      if (actual !== record.expected_sha256) {
        throw permanentError('CHECKSUM_MISMATCH', `Checksum mismatch: expected SHA-256 ${record.expected_sha256}, got ${actual}`);
      }
    }
    for (let tries = 1; ; tries++) {
      if (controller.signal.aborted) throw controller.signal.reason;
      const finalName = await ctx.finalName(filename);
      // Picking the name may wait behind other downloads' names: a stop that came meanwhile still counts.
      if (controller.signal.aborted) throw controller.signal.reason;
      try {
        await placeWithoutReplacing(path, join(destDir, finalName));
        return { filename: finalName, total: size };
      } catch (error) {
        // Something took the name since it was chosen: choose again (it is taken now).
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries === PLACE_TRIES) throw classifyDiskError(error, path);
      }
    }
  } catch (error) {
    const ours = error instanceof DownloadError || error instanceof OneConnectionRestart;
    throw controller.signal.aborted && !ours ? controller.signal.reason : error;
  } finally {
    watchdog.stop();
    ctx.onConnections(0);
    // A response given up before it was read must not hold its socket open.
    unread?.destroy();
    ctx.signal.removeEventListener('abort', stopOnUserAbort);
    await file?.close().catch(() => undefined);
  }
}
