import type { DownloadSource } from '../contract/downloads.js';
import type { RequestHeaders } from '../contract/request-headers.js';
import type { Settings } from '../contract/settings.js';
import { OneConnectionRestart, type ResponseFacts, runAttempt } from './attempt.js';
import { endedOutcome, type Outcome } from './attempt-outcome.js';
import type { ByteSource } from './byte-source.js';
import type { Clock } from './clock.js';
import type { DownloadRegistry } from './download-registry.js';
import type { DownloadRuntime, LiveAttempt } from './download-runtime.js';
import type { DownloadPatch, DownloadRecord, DownloadStore } from './download-store.js';
import { sanitizeFilename } from './file-names.js';
import { removeOwned } from './owned-files.js';
import { partialPath } from './partial-file.js';
import type { FileNaming } from './file-naming.js';
import type { RetryPolicy } from './retry-policy.js';
import { breaksRanges, restartNotice } from './resume-rules.js';
import { durableBytes, segmentRows } from './segments.js';
import type { TokenBucket } from './token-bucket.js';

/**
 * How long a host's connection limit is remembered: hosts change their limits, and a limit learned
 * in a busy hour should not slow its downloads for good.
 */
export const HOST_LIMIT_MEMORY_MS = 24 * 60 * 60 * 1000;

/**
 * Makes the transport for a source, with the settings of the moment (credentials, endpoints) and
 * the download's own request headers, which the transport sends on every request it makes.
 */
export type SourceFactory = (source: DownloadSource, settings: Settings, headers: RequestHeaders) => ByteSource;

export interface LauncherDeps {
  store: DownloadStore;
  registry: DownloadRegistry;
  naming: FileNaming;
  clock: Clock;
  createSource: SourceFactory;
  settings: () => Settings;
  /** The download's request headers, read from the secret store at each attempt. */
  requestHeaders: (id: string) => RequestHeaders;
  /** The global speed limit, shared by every running download. */
  globalLimit: TokenBucket;
  /** The download now waits for its retry: time it. */
  onRetry(download: DownloadRuntime): void;
  /** The attempt is over and recorded: a slot is free. */
  onSettled(): void;
  /**
   * The folder a fresh download belongs in once the server has named it: another category's when
   * sorting chose its folder at add (ARCHITECTURE.md §4), else its own.
   */
  folderFor(record: DownloadRecord, filename: string): Promise<string>;
  /** Looks for a clock jump now (the computer slept) before an attempt's failure is judged. */
  checkWake(): void;
}

/**
 * Runs one attempt of a download and records everything it reports (ARCHITECTURE.md §3): the
 * attempt row, the server's facts, checkpoints, and how it ended.
 */
export class AttemptLauncher {
  constructor(private readonly deps: LauncherDeps) {}

  launch(download: DownloadRuntime): void {
    const { store, registry, clock } = this.deps;
    const live = download.beginAttempt();
    const { record } = download;
    const attemptId = store.transaction(() => {
      registry.update(download, { status: 'downloading', next_retry_at: null });
      return store.startAttempt({
        download_id: record.id,
        number: Math.min(record.failed_count + 1, record.max_attempts),
        started_at: clock.now(),
        offset_from: record.downloaded_bytes,
      });
    });
    const settings = this.deps.settings();
    const source = this.deps.createSource(record.source, settings, this.deps.requestHeaders(record.id));
    const learned = store.hostLimit(source.displayHost);
    download.connectionLimit = learned !== null && learned.learned_at > clock.now() - HOST_LIMIT_MEMORY_MS ? learned.max_connections : null;
    const connections = record.one_connection ? 1 : Math.min(settings.connections, download.connectionLimit ?? Number.POSITIVE_INFINITY);
    const saveHostLimit = (max: number) => store.saveHostLimit(source.displayHost, { max_connections: Math.max(1, max), learned_at: clock.now() });
    const hostLimit = (max: number) => {
      saveHostLimit(max);
      download.connectionLimit = Math.max(1, max);
      registry.changed(download);
    };
    // A limit seen in this attempt is shown at once but saved only if the attempt succeeds: in an
    // outage every refused connection looks like a limit.
    let seenLimit: number | null = null;
    live.done = runAttempt({
      record: download.record,
      source,
      stallTimeoutMs: settings.stall_timeout_seconds * 1000,
      signal: live.abort.signal,
      now: () => clock.now(),
      onResponse: async (facts) => {
        const placed = await this.recordResponse(download, facts);
        if (facts.restart !== null && breaksRanges(facts.restart)) hostLimit(1);
        return placed;
      },
      onBytes: (position, chunk) => {
        download.addBytes(position, chunk);
        registry.changed(download);
      },
      connections,
      onConnections: (count) => {
        live.connections = count;
        registry.changed(download);
      },
      segments: store.listSegments(record.id),
      // One checkpoint: the durable byte count and the ranges it comes from, in one transaction.
      onSegments: (segments) => registry.update(download, { downloaded_bytes: durableBytes(segments) }, segmentRows(segments)),
      throttle: async (bytes, signal) => {
        await this.deps.globalLimit.take(bytes, signal);
        await live.limit.take(bytes, signal);
      },
      onConnectionRetry: () => {
        live.connectionRetries += 1;
        registry.changed(download);
      },
      onHostLimit: (max) => {
        seenLimit = Math.min(seenLimit ?? max, max);
        download.connectionLimit = Math.max(1, seenLimit);
        registry.changed(download);
      },
      onPartialFile: (identity) => registry.update(download, { partial_file: identity }),
      openSpan: (connection, start, position) => {
        const close = live.story.openSpan(connection, start, position);
        return () => {
          close();
          try {
            store.saveAttemptStory(attemptId, live.story.stored());
          } catch {
            // The picture is not worth a failed attempt: it is saved again when the attempt ends.
          }
        };
      },
      finalName: (filename) =>
        this.deps.naming.claim({ destDir: download.record.dest_dir, wanted: filename, self: download.record, final: true }, (name) => name),
    })
      .then(
        (result) => {
          if (seenLimit !== null) saveHostLimit(seenLimit);
          this.succeeded(download, { id: attemptId, live }, result);
        },
        (error: unknown) => {
          // A server that mishandles ranges does so for every download from it.
          if (error instanceof OneConnectionRestart) hostLimit(1);
          return this.ended(download, live, attemptId, error);
        },
      )
      .catch((error: unknown) => this.bookkeepingFailed(download, error))
      .finally(() => {
        download.endAttempt();
        this.deps.onSettled();
      });
  }

  /** Records an attempt's end (if one ran) and the download's next state; a cancelled download loses its partial. */
  async settle(download: DownloadRuntime, outcome: Outcome, attempt: { id: number; live: LiveAttempt } | null): Promise<void> {
    if (outcome.patch.status !== 'retrying') download.cancelRetry();
    this.deps.store.transaction(() => {
      if (attempt !== null) {
        this.deps.store.endAttempt(attempt.id, { ...outcome.end, connection_retries: attempt.live.connectionRetries });
        this.deps.store.saveAttemptStory(attempt.id, attempt.live.story.stored());
      }
      this.deps.registry.update(download, outcome.patch);
    });
    if (outcome.retry) this.deps.onRetry(download);
    // The status first: while the file is deleted, no free slot may start this download again.
    if (outcome.patch.status === 'cancelled') await this.dropPartial(download);
  }

  /** Deletes the download's partial if it is the file the download created, and forgets it. */
  private async dropPartial(download: DownloadRuntime): Promise<void> {
    const { dest_dir, filename, partial_file } = download.record;
    if (partial_file === null) return;
    await removeOwned(partialPath(dest_dir, filename), partial_file);
    this.deps.registry.update(download, { partial_file: null });
  }

  private async recordResponse(download: DownloadRuntime, facts: ResponseFacts): Promise<{ filename: string; destDir: string }> {
    const { record } = download;
    const { registry } = this.deps;
    let filename = record.filename;
    let destDir = record.dest_dir;
    // Like a browser, a fresh download takes the server's name unless the user chose one.
    if (facts.start === 0 && record.downloaded_bytes === 0 && !record.filename_from_user && facts.suggestedName) {
      const wanted = sanitizeFilename(facts.suggestedName);
      destDir = await this.deps.folderFor(record, wanted);
      // Recorded before the next name is handed out; the old partial is no longer this download's.
      filename = await this.deps.naming.claim({ destDir, wanted, self: record }, (name) => {
        if (name !== record.filename || destDir !== record.dest_dir) registry.update(download, { filename: name, dest_dir: destDir, partial_file: null });
        return name;
      });
      // Nothing durable is in the old partial (downloaded_bytes is 0): do not leave it behind.
      if (filename !== record.filename || destDir !== record.dest_dir) {
        await removeOwned(partialPath(record.dest_dir, record.filename), record.partial_file);
      }
    }
    // The validator and the durable offset together: a new validator must never sit beside old bytes.
    registry.update(download, {
      total_bytes: facts.total,
      etag: facts.validator.etag,
      last_modified: facts.validator.lastModified,
      downloaded_bytes: facts.start,
      ...(facts.restart !== null ? restartNotice(facts.restart) : {}),
      // A server caught mishandling a range is asked for one range at a time from now on.
      ...(facts.restart !== null && breaksRanges(facts.restart) ? { one_connection: true } : {}),
    });
    if (download.attempt) download.attempt.bytes = facts.start;
    return { filename, destDir };
  }

  private succeeded(download: DownloadRuntime, attempt: { id: number; live: LiveAttempt }, result: { filename: string; total: number }): void {
    const now = this.deps.clock.now();
    const end = {
      ended_at: now,
      offset_to: result.total,
      error_code: null,
      error_message: null,
      stop_code: null,
      connection_retries: attempt.live.connectionRetries,
    };
    this.deps.store.transaction(() => {
      this.deps.store.endAttempt(attempt.id, end);
      this.deps.store.saveAttemptStory(attempt.id, attempt.live.story.stored());
      const done: DownloadPatch = {
        status: 'completed',
        filename: result.filename,
        total_bytes: result.total,
        downloaded_bytes: result.total,
        next_retry_at: null,
        error_code: null,
        error_message: null,
        completed_at: now,
      };
      this.deps.registry.update(download, done, []);
    });
  }

  private async ended(download: DownloadRuntime, live: LiveAttempt, attemptId: number, thrown: unknown): Promise<void> {
    if (live.stopReason === 'remove' || !this.deps.registry.has(download)) return;
    if (live.stopReason === null) this.deps.checkWake();
    const now = this.deps.clock.now();
    const ended = { stopReason: live.stopReason, sleptThrough: live.sleptThrough, thrown };
    const outcome = endedOutcome(download.record, ended, this.retryPolicy(download.record), now);
    await this.settle(download, outcome, { id: attemptId, live });
  }

  /**
   * Recording an attempt's end failed (the database's disk is full, a file is locked): the
   * download must not stay "downloading" with nothing running, so mark it failed, in memory at
   * least, with the reason.
   */
  private bookkeepingFailed(download: DownloadRuntime, error: unknown): void {
    if (!this.deps.registry.has(download)) return;
    const message = `Could not record the download's state: ${error instanceof Error ? error.message : String(error)}`;
    const patch: DownloadPatch = { status: 'failed', next_retry_at: null, error_code: 'INTERNAL_ERROR', error_message: message };
    try {
      this.deps.registry.update(download, patch);
    } catch {
      download.record = { ...download.record, ...patch };
      this.deps.registry.changed(download);
    }
  }

  /** The download's own attempt count (what its "Attempt n of m" shows); delays as set now. */
  private retryPolicy(record: DownloadRecord): RetryPolicy {
    const settings = this.deps.settings();
    return { maxAttempts: record.max_attempts, initialDelayMs: settings.initial_delay_seconds * 1000, backoff: settings.backoff };
  }
}
