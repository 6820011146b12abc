import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadsChange } from '../contract/api.js';
import type { AttemptRecord, DownloadSnapshot, DownloadSource, DownloadStatus } from '../contract/downloads.js';
import { type ProgressReport, toProgressReport } from '../contract/progress-report.js';
import type { ParsedAddRequest, ParsedSettingsPatch } from '../contract/schemas.js';
import type { Settings } from '../contract/settings.js';
import { requireAllowed } from '../contract/transitions.js';
import { partialPath, type ResponseFacts, runAttempt } from './attempt.js';
import { failedOutcome, type Outcome, stoppedOutcome } from './attempt-outcome.js';
import type { ByteSource } from './byte-source.js';
import { ChangeBatcher } from './change-batcher.js';
import { type Clock, systemClock } from './clock.js';
import { DownloadRuntime, type LiveAttempt } from './download-runtime.js';
import type { DownloadPatch, DownloadRecord, DownloadStore } from './download-store.js';
import { EngineSettings } from './engine-settings.js';
import { sanitizeFilename } from './file-names.js';
import { FileNaming } from './file-naming.js';
import type { RetryPolicy } from './retry-policy.js';
import { restartNotice } from './resume-rules.js';
import { MemorySecretStore, type SecretStore } from './secret-store.js';
import { durableBytes, type Segment, segmentRows } from './segments.js';
import { toAttemptRecord, toSnapshot } from './snapshot.js';
import { resolveSource, sourceFromUrl } from './source-resolution.js';
import { TokenBucket } from './token-bucket.js';

/** Makes the transport for a source, with the settings of the moment (credentials, endpoints). */
export type SourceFactory = (source: DownloadSource, settings: Settings) => ByteSource;

export interface ManagerOptions {
  store: DownloadStore;
  /** Used until the user chooses a download folder in the settings. */
  defaultDownloadDir: string;
  /** The transports (src-main/sources/): the engine itself knows only the ByteSource interface. */
  createSource: SourceFactory;
  /** Where the S3 secret key lives; nothing is kept without one. */
  secrets?: SecretStore;
  clock?: Clock;
  /** Settings for this process only (CLI flags): applied over the stored ones, never saved. */
  settingsOverride?: Partial<Settings>;
  /**
   * The least time between two change events: 100 ms (10 a second) for front ends. The CLI, which
   * learns from them that its download ended, uses less so that it does not wait to exit.
   */
  changeIntervalMs?: number;
}

/**
 * The download engine's scheduler and registry (ARCHITECTURE.md §8): the queue with its
 * concurrency limit, the transitions of §2, retries on timers, recovery at start-up, and
 * batched change events. Arguments arrive validated (the contract's edge does that). Every state
 * change is written to the store first, then mirrored in memory, then announced.
 */
export class DownloadManager {
  private readonly store: DownloadStore;
  private readonly clock: Clock;
  private readonly createSource: SourceFactory;
  private readonly downloads = new Map<string, DownloadRuntime>();
  private readonly listeners = new Set<(change: DownloadsChange) => void>();
  private readonly removed = new Set<string>();
  private readonly batcher: ChangeBatcher;
  private readonly settings: EngineSettings;
  private readonly naming: FileNaming;
  /** The global speed limit, shared by every running download. */
  private readonly globalLimit: TokenBucket;
  private started = false;
  private online = true;
  private only: ReadonlySet<string> | null = null;

  constructor(options: ManagerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.createSource = options.createSource;
    this.settings = new EngineSettings({
      store: this.store,
      secrets: options.secrets ?? new MemorySecretStore(),
      defaultDownloadDir: options.defaultDownloadDir,
      override: options.settingsOverride,
    });
    this.globalLimit = new TokenBucket(this.settings.current.speed_limit, () => this.clock.now());
    this.settings.onChange((settings) => {
      this.globalLimit.setRate(settings.speed_limit);
      this.pump();
    });
    this.naming = new FileNaming(() => [...this.downloads.values()].map((d) => d.record));
    this.batcher = new ChangeBatcher((ids) => this.emit(ids), this.clock, options.changeIntervalMs);
    for (const record of this.store.listDownloads()) this.downloads.set(record.id, new DownloadRuntime(record, this.clock));
    // An attempt cut off by a crash resumes from its durable offset.
    for (const download of this.downloads.values()) if (download.record.status === 'downloading') this.setStatus(download, 'queued');
  }

  /**
   * Starts scheduling: queued downloads begin and pending retries are timed. `only` limits
   * the engine to some downloads (the CLI runs one and leaves the rest of the queue alone).
   */
  start(options: { only?: readonly string[] } = {}): void {
    this.started = true;
    this.only = options.only ? new Set(options.only) : null;
    for (const download of this.downloads.values()) {
      if (download.record.status === 'retrying' && this.schedulable(download)) this.timeRetry(download);
    }
    this.pump();
  }

  /** Stops every attempt with its bytes checkpointed; they resume at the next start. */
  async shutdown(): Promise<void> {
    this.started = false;
    for (const download of this.downloads.values()) download.cancelRetry();
    await Promise.all([...this.downloads.values()].map((download) => download.stop('shutdown')));
    this.batcher.flushNow();
  }

  // ---- the API -----------------------------------------------------------------------------

  async list(): Promise<DownloadSnapshot[]> {
    return [...this.downloads.values()].map((download) => this.snapshot(download));
  }

  async get(id: string): Promise<DownloadSnapshot> {
    return this.snapshot(this.download(id));
  }

  async progress(id: string): Promise<ProgressReport> {
    return toProgressReport(await this.get(id));
  }

  async add(input: ParsedAddRequest): Promise<DownloadSnapshot> {
    const { source, name } = resolveSource(input, this.settings.current.catalog);
    const destDir = resolve(input.dest_dir ?? this.settings.current.download_dir);
    const wanted = sanitizeFilename(input.filename ?? name ?? '');
    const download = await this.naming.claim({ destDir, wanted, self: null }, (filename) => {
      const now = this.clock.now();
      const record: DownloadRecord = {
        id: randomUUID(),
        source,
        filename,
        // A name the user or the catalog chose is kept over whatever the server suggests.
        filename_from_user: input.filename !== undefined || 'content_id' in input,
        dest_dir: destDir,
        status: 'queued',
        total_bytes: null,
        downloaded_bytes: 0,
        failed_count: 0,
        max_attempts: this.settings.current.max_attempts,
        next_retry_at: null,
        error_code: null,
        error_message: null,
        notice: null,
        etag: null,
        last_modified: null,
        expected_sha256: input.sha256 ?? null,
        created_at: now,
        updated_at: now,
        completed_at: null,
        speed_limit: input.speed_limit ?? null,
        one_connection: false,
      };
      this.store.insertDownload(record);
      const created = new DownloadRuntime(record, this.clock);
      this.downloads.set(record.id, created);
      return created;
    });
    this.batcher.mark(download.id);
    this.pump();
    return this.snapshot(download);
  }

  async pause(id: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    if (requireAllowed(download.record.status, 'pause') === 'no-op') return this.snapshot(download);
    if (download.attempt !== null) await download.stop('pause');
    else this.setStatus(download, 'paused');
    return this.snapshot(download);
  }

  async resume(id: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    // Resume right after pause: let the pause finish, then resume, rather than drop the click.
    if (download.attempt?.stopReason === 'pause') await download.attempt.done;
    // Resuming a download that waits for its retry skips the rest of the countdown.
    if (requireAllowed(download.record.status, 'resume') === 'no-op') return this.snapshot(download);
    this.setStatus(download, 'queued');
    this.pump();
    return this.snapshot(download);
  }

  async cancel(id: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    if (requireAllowed(download.record.status, 'cancel') === 'no-op') return this.snapshot(download);
    if (download.attempt !== null) await download.stop('cancel');
    else await this.settle(download, stoppedOutcome(download.record, 'cancel', this.clock.now()), null);
    return this.snapshot(download);
  }

  async restart(id: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    requireAllowed(download.record.status, 'restart');
    this.update(download, {
      // Bytes that failed their checksum are no partial worth resuming.
      ...(download.record.error_code === 'CHECKSUM_MISMATCH' ? { downloaded_bytes: 0 } : {}),
      status: 'queued',
      failed_count: 0,
      max_attempts: this.settings.current.max_attempts,
      next_retry_at: null,
      error_code: null,
      error_message: null,
      notice: null,
    });
    this.pump();
    return this.snapshot(download);
  }

  async changeSource(id: string, url: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    requireAllowed(download.record.status, 'changeSource');
    const { record } = download;
    // Without a validator nothing proves the new link serves the same file, so the partial
    // cannot be trusted; with one, the next attempt's If-Range and size checks decide.
    const restart = record.etag === null && record.last_modified === null && record.downloaded_bytes > 0;
    this.update(download, {
      source: sourceFromUrl(url),
      // Another server may serve ranges properly.
      one_connection: false,
      ...(restart
        ? {
            downloaded_bytes: 0,
            total_bytes: null,
            notice: 'The new link cannot be checked against the partial download; it will start again from the start.',
          }
        : {}),
    });
    return this.snapshot(download);
  }

  async setSpeedLimit(id: string, limit: number | null): Promise<DownloadSnapshot> {
    const download = this.download(id);
    requireAllowed(download.record.status, 'setSpeedLimit');
    this.update(download, { speed_limit: limit });
    download.setSpeedLimit(limit);
    return this.snapshot(download);
  }

  async remove(id: string, options: { delete_file?: boolean } = {}): Promise<void> {
    const download = this.download(id);
    requireAllowed(download.record.status, 'remove');
    await download.stop('remove');
    download.cancelRetry();
    const { record } = download;
    this.store.deleteDownload(id);
    this.downloads.delete(id);
    if (record.status === 'completed') {
      if (options.delete_file === true) await rm(join(record.dest_dir, record.filename), { force: true });
    } else {
      await rm(partialPath(record.dest_dir, record.filename), { force: true });
    }
    this.removed.add(id);
    this.batcher.mark(id);
    this.pump();
  }

  async getSettings(): Promise<Settings> {
    return { ...this.settings.current };
  }

  async updateSettings(patch: ParsedSettingsPatch): Promise<Settings> {
    this.settings.update(patch);
    return this.getSettings();
  }

  onChanged(listener: (change: DownloadsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async attempts(id: string): Promise<AttemptRecord[]> {
    return this.store.listAttempts(this.download(id).id).map(toAttemptRecord);
  }

  /**
   * What the operating system says of the network (the desktop app forwards it). While offline,
   * due retries wait; back online, they start at once. Headless mode never calls this and keeps
   * the plain schedule.
   */
  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    if (!online) return;
    for (const download of this.downloads.values()) {
      if (download.waitingForNetwork && download.record.status === 'retrying') this.setStatus(download, 'queued');
    }
    this.pump();
  }

  // ---- scheduling ---------------------------------------------------------------------------

  private schedulable(download: DownloadRuntime): boolean {
    return this.only === null || this.only.has(download.id);
  }

  private pump(): void {
    if (!this.started) return;
    let running = [...this.downloads.values()].filter((d) => d.attempt !== null).length;
    for (const download of this.downloads.values()) {
      if (running >= this.settings.current.max_concurrent) return;
      if (download.record.status === 'queued' && download.attempt === null && this.schedulable(download)) {
        this.launch(download);
        running += 1;
      }
    }
  }

  private launch(download: DownloadRuntime): void {
    const live = download.beginAttempt();
    const { record } = download;
    const attemptId = this.store.transaction(() => {
      this.update(download, { status: 'downloading', next_retry_at: null });
      return this.store.startAttempt({
        download_id: record.id,
        number: Math.min(record.failed_count + 1, record.max_attempts),
        started_at: this.clock.now(),
        offset_from: record.downloaded_bytes,
      });
    });
    const settings = this.settings.current;
    live.done = runAttempt({
      record: download.record,
      source: this.createSource(record.source, settings),
      stallTimeoutMs: settings.stall_timeout_seconds * 1000,
      signal: live.abort.signal,
      now: () => this.clock.now(),
      onResponse: (facts) => this.recordResponse(download, facts),
      onBytes: (position, chunk) => {
        download.addBytes(position, chunk);
        this.batcher.mark(download.id);
      },
      connections: record.one_connection ? 1 : settings.connections,
      onConnections: (count) => {
        live.connections = count;
        this.batcher.mark(download.id);
      },
      segments: this.store.listSegments(record.id),
      onSegments: (segments) => this.saveSegments(download, segments),
      throttle: async (bytes, signal) => {
        await this.globalLimit.take(bytes, signal);
        await live.limit.take(bytes, signal);
      },
      finalName: (filename) =>
        this.naming.claim({ destDir: record.dest_dir, wanted: filename, self: download.record, final: true }, (name) => name),
    })
      .then(
        (result) => this.succeeded(download, attemptId, result),
        (error: unknown) => this.attemptEnded(download, live, attemptId, error),
      )
      .catch((error: unknown) => this.bookkeepingFailed(download, error))
      .finally(() => {
        download.endAttempt();
        this.pump();
      });
  }

  private async recordResponse(download: DownloadRuntime, facts: ResponseFacts): Promise<string> {
    const { record } = download;
    let filename = record.filename;
    // Like a browser, a fresh download takes the server's name unless the user chose one.
    if (facts.start === 0 && record.downloaded_bytes === 0 && !record.filename_from_user && facts.suggestedName) {
      const wanted = sanitizeFilename(facts.suggestedName);
      filename = await this.naming.claim({ destDir: record.dest_dir, wanted, self: record }, (name) => {
        this.update(download, { filename: name });
        return name;
      });
      // Nothing durable is in the old partial (downloaded_bytes is 0): do not leave it behind.
      if (filename !== record.filename) await rm(partialPath(record.dest_dir, record.filename), { force: true });
    }
    this.update(download, {
      total_bytes: facts.total,
      etag: facts.validator.etag,
      last_modified: facts.validator.lastModified,
      downloaded_bytes: facts.start,
      ...(facts.restart !== null ? { notice: restartNotice(facts.restart) } : {}),
      // A server caught ignoring a range is asked for one range at a time from now on.
      ...(facts.restart === 'RANGES_IGNORED' ? { one_connection: true } : {}),
    });
    if (download.attempt) download.attempt.bytes = facts.start;
    return filename;
  }

  /** One checkpoint: the durable byte count and the ranges it comes from, in one transaction. */
  private saveSegments(download: DownloadRuntime, segments: readonly Segment[]): void {
    this.store.transaction(() => {
      this.update(download, { downloaded_bytes: durableBytes(segments) });
      this.store.replaceSegments(download.id, segmentRows(segments));
    });
  }

  private succeeded(download: DownloadRuntime, attemptId: number, result: { filename: string; total: number }): void {
    const now = this.clock.now();
    this.store.transaction(() => {
      this.store.endAttempt(attemptId, { ended_at: now, offset_to: result.total, error_code: null, error_message: null });
      this.store.replaceSegments(download.id, []);
      this.update(download, {
        status: 'completed',
        filename: result.filename,
        total_bytes: result.total,
        downloaded_bytes: result.total,
        next_retry_at: null,
        error_code: null,
        error_message: null,
        completed_at: now,
      });
    });
  }

  private async attemptEnded(download: DownloadRuntime, live: LiveAttempt, attemptId: number, thrown: unknown): Promise<void> {
    if (live.stopReason === 'remove' || !this.downloads.has(download.id)) return;
    const now = this.clock.now();
    const outcome =
      live.stopReason !== null
        ? stoppedOutcome(download.record, live.stopReason, now)
        : failedOutcome(download.record, thrown, this.retryPolicy(download.record), now);
    await this.settle(download, outcome, attemptId);
  }

  /** Records an attempt's end and the download's next state; a cancelled download loses its partial. */
  private async settle(download: DownloadRuntime, outcome: Outcome, attemptId: number | null): Promise<void> {
    if (outcome.patch.status !== 'retrying') download.cancelRetry();
    this.store.transaction(() => {
      if (attemptId !== null) this.store.endAttempt(attemptId, outcome.end);
      this.update(download, outcome.patch);
    });
    if (outcome.retry) this.timeRetry(download);
    // The status first: while the file is deleted, no free slot may start this download again.
    if (outcome.patch.status === 'cancelled') await rm(partialPath(download.record.dest_dir, download.record.filename), { force: true });
  }

  /**
   * Recording an attempt's end failed (the database's disk is full, a file is locked): the
   * download must not stay "downloading" with nothing running, so mark it failed, in memory at
   * least, with the reason.
   */
  private bookkeepingFailed(download: DownloadRuntime, error: unknown): void {
    if (!this.downloads.has(download.id)) return;
    const message = `Could not record the download's state: ${error instanceof Error ? error.message : String(error)}`;
    const patch: DownloadPatch = { status: 'failed', next_retry_at: null, error_code: 'INTERNAL_ERROR', error_message: message };
    try {
      this.update(download, patch);
    } catch {
      download.record = { ...download.record, ...patch };
      this.batcher.mark(download.id);
    }
  }

  /** The download's own attempt count (what its "Attempt n of m" shows); delays as set now. */
  private retryPolicy(record: DownloadRecord): RetryPolicy {
    const settings = this.settings.current;
    return { maxAttempts: record.max_attempts, initialDelayMs: settings.initial_delay_seconds * 1000, backoff: settings.backoff };
  }

  private timeRetry(download: DownloadRuntime): void {
    if (!this.started) return;
    download.timeRetry(download.record.next_retry_at ?? 0, () => {
      if (download.record.status !== 'retrying' || !this.downloads.has(download.id)) return;
      // With no network an attempt could only fail: wait for it instead of spending one.
      if (!this.online) {
        download.waitingForNetwork = true;
        this.batcher.mark(download.id);
        return;
      }
      this.setStatus(download, 'queued');
      this.pump();
    });
  }

  // ---- records ------------------------------------------------------------------------------

  private download(id: string): DownloadRuntime {
    const download = this.downloads.get(id);
    if (!download) throw new ApiRequestError('NOT_FOUND', `No download with id ${id}`);
    return download;
  }

  private setStatus(download: DownloadRuntime, status: DownloadStatus): void {
    if (status !== 'retrying') download.cancelRetry();
    this.update(download, { status, next_retry_at: null });
  }

  private update(download: DownloadRuntime, patch: DownloadPatch): void {
    const full = { ...patch, updated_at: this.clock.now() };
    this.store.transaction(() => {
      this.store.updateDownload(download.id, full);
      // Starting again from 0 (cancel, a changed file, a bad checksum) forgets any byte ranges too.
      if (patch.downloaded_bytes === 0) this.store.replaceSegments(download.id, []);
    });
    download.record = { ...download.record, ...full };
    this.batcher.mark(download.id);
  }

  private snapshot(download: DownloadRuntime): DownloadSnapshot {
    return toSnapshot(download.record, download.progress(), this.clock.now(), download.waitingForNetwork);
  }

  private emit(ids: string[]): void {
    const snapshots = ids.flatMap((id) => {
      const download = this.downloads.get(id);
      return download ? [this.snapshot(download)] : [];
    });
    const removed = ids.filter((id) => this.removed.delete(id));
    for (const listener of this.listeners) listener({ snapshots, removed });
  }
}
