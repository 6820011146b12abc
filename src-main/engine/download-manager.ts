import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadsApi, DownloadsChange } from '../contract/api.js';
import type { AttemptRecord, DownloadSnapshot, DownloadSource, DownloadStatus } from '../contract/downloads.js';
import { type ProgressReport, toProgressReport } from '../contract/progress-report.js';
import { requireAllowed } from '../contract/transitions.js';
import {
  type AddRequest,
  changeSourceSchema,
  downloadIdSchema,
  parseAddRequest,
  parseInput,
  parseS3Url,
  type ParsedAddRequest,
  type RemoveOptions,
  removeOptionsSchema,
  type SettingsPatch,
  speedLimitSchema,
} from '../contract/schemas.js';
import type { Settings } from '../contract/settings.js';
import type { ByteSource } from './byte-source.js';
import { ChangeBatcher } from './change-batcher.js';
import { type Clock, systemClock } from './clock.js';
import { DownloadError, permanentError } from './download-error.js';
import type { DownloadPatch, DownloadRecord, DownloadStore } from './download-store.js';
import { OneConnectionRestart, partialPath, type ResponseFacts, runAttempt } from './download-task.js';
import { EngineSettings } from './engine-settings.js';
import { filenameFromUrl, sanitizeFilename, uniqueFilename } from './file-names.js';
import { HttpSource } from './http-source.js';
import { S3Clients } from './s3-clients.js';
import { S3Source } from './s3-source.js';
import { MemorySecretStore, type SecretStore } from './secret-store.js';
import { decideAfterFailure, type RetryPolicy } from './retry-policy.js';
import { toAttemptRecord, toSnapshot } from './snapshot.js';
import { TokenBucket } from './token-bucket.js';
import { SpeedMeter } from './speed-meter.js';

export type SourceFactory = (source: DownloadSource) => ByteSource;

export interface ManagerOptions {
  store: DownloadStore;
  /** Used until the user chooses a download folder in the settings. */
  defaultDownloadDir: string;
  createSource?: SourceFactory;
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

type StopReason = 'pause' | 'cancel' | 'remove' | 'shutdown';

/** When stops race (cancel, then quit), the more final one wins: nothing the user ended comes back. */
const STOP_RANK: Record<StopReason, number> = { shutdown: 0, pause: 1, cancel: 2, remove: 3 };

interface RunningTask {
  abort: AbortController;
  stopReason: StopReason | null;
  /** Bytes written by the attempt, ahead of the durable offset in the record. */
  bytes: number;
  speed: SpeedMeter;
  /** Connections with a response open. */
  connections: number;
  done: Promise<void>;
}

const lastSegment = (key: string): string | null => key.split('/').filter(Boolean).at(-1) ?? null;

/** A validated download address as a source: s3://bucket/key, or an http(s) URL. */
function sourceFromUrl(url: string): DownloadSource {
  const s3 = parseS3Url(url);
  return s3 === null ? { kind: 'http', url } : { kind: 's3', ...s3 };
}

/**
 * Folders compared as the file system may see them: resolved, and case-folded because
 * Windows and macOS ignore case (on Linux this only makes names a little more unique).
 */
const sameFolderKey = (dir: string): string => resolve(dir).toLowerCase();

/**
 * The download engine's front door: the queue with its concurrency limit, the state machine of
 * DESIGN.md §2, retries on timers, recovery at start-up, and batched change events. Every
 * state change is written to the store first, then mirrored in memory, then announced.
 */
export class DownloadManager implements DownloadsApi {
  private readonly store: DownloadStore;
  private readonly clock: Clock;
  private readonly createSource: SourceFactory;
  private readonly records = new Map<string, DownloadRecord>();
  private readonly running = new Map<string, RunningTask>();
  private readonly retryTimers = new Map<string, () => void>();
  private readonly listeners = new Set<(change: DownloadsChange) => void>();
  private readonly removed = new Set<string>();
  private readonly batcher: ChangeBatcher;
  private readonly secrets: SecretStore;
  private readonly s3: S3Clients;
  private readonly engineSettings: EngineSettings;
  /** The global speed limit, shared by every running download. */
  private readonly globalLimit: TokenBucket;
  /** Each running download's own limit. */
  private readonly limits = new Map<string, TokenBucket>();
  /** Downloads whose server answered a range request with the whole file: one connection from then on. */
  private readonly noRanges = new Set<string>();
  private started = false;
  private online = true;
  /** Retries that came due while offline. */
  private readonly waitingForNetwork = new Set<string>();
  private only: ReadonlySet<string> | null = null;

  constructor(options: ManagerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.secrets = options.secrets ?? new MemorySecretStore();
    this.engineSettings = new EngineSettings({
      store: this.store,
      secrets: this.secrets,
      defaultDownloadDir: options.defaultDownloadDir,
      override: options.settingsOverride,
    });
    this.s3 = new S3Clients(this.secrets, this.settings);
    this.globalLimit = new TokenBucket(this.settings.speed_limit, () => this.clock.now());
    this.engineSettings.onChange((settings) => {
      this.s3.reset(settings);
      this.globalLimit.setRate(settings.speed_limit);
      this.pump();
    });
    this.createSource = options.createSource ?? ((source) => this.defaultSource(source));
    this.batcher = new ChangeBatcher((ids) => this.emit(ids), this.clock, options.changeIntervalMs);
    for (const record of this.store.listDownloads()) this.records.set(record.id, record);
    this.recover();
  }

  /**
   * Starts scheduling: queued downloads begin and pending retries are timed. `only` limits
   * the engine to some downloads (the CLI runs one and leaves the rest of the queue alone).
   */
  start(options: { only?: readonly string[] } = {}): void {
    this.started = true;
    this.only = options.only ? new Set(options.only) : null;
    for (const record of this.records.values()) {
      if (record.status === 'retrying' && this.schedulable(record.id)) this.scheduleRetry(record);
    }
    this.pump();
  }

  /** Stops every attempt with its bytes checkpointed; they resume at the next start. */
  async shutdown(): Promise<void> {
    this.started = false;
    for (const cancel of this.retryTimers.values()) cancel();
    this.retryTimers.clear();
    await Promise.all([...this.running.keys()].map((id) => this.stopTask(id, 'shutdown')));
    this.batcher.flushNow();
  }

  // ---- DownloadsApi -------------------------------------------------------------------------

  async list(): Promise<DownloadSnapshot[]> {
    return [...this.records.keys()].map((id) => this.snapshot(id));
  }

  async get(id: string): Promise<DownloadSnapshot> {
    return this.snapshot(this.record(id).id);
  }

  async progress(id: string): Promise<ProgressReport> {
    return toProgressReport(await this.get(id));
  }

  async add(request: AddRequest): Promise<DownloadSnapshot> {
    const input = parseAddRequest(request);
    const { source, name } = this.resolveSource(input);
    const destDir = resolve(input.dest_dir ?? this.settings.download_dir);
    const wanted = sanitizeFilename(input.filename ?? name ?? '');
    const now = this.clock.now();
    const record: DownloadRecord = {
      id: randomUUID(),
      source,
      filename: this.freeName(destDir, wanted, null),
      // A name the user or the catalog chose is kept over whatever the server suggests.
      filename_from_user: input.filename !== undefined || 'content_id' in input,
      dest_dir: destDir,
      status: 'queued',
      total_bytes: null,
      downloaded_bytes: 0,
      failed_count: 0,
      max_attempts: this.settings.max_attempts,
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
    };
    this.store.insertDownload(record);
    this.records.set(record.id, record);
    this.batcher.mark(record.id);
    this.pump();
    return this.snapshot(record.id);
  }

  async pause(id: string): Promise<DownloadSnapshot> {
    const record = this.record(id);
    if (requireAllowed(record.status, 'pause') === 'no-op') return this.snapshot(id);
    if (this.running.has(id)) await this.stopTask(id, 'pause');
    else this.setStatus(id, 'paused');
    return this.snapshot(id);
  }

  async resume(id: string): Promise<DownloadSnapshot> {
    // Resume right after pause: let the pause finish, then resume, rather than drop the click.
    if (this.running.get(id)?.stopReason === 'pause') await this.running.get(id)!.done;
    const record = this.record(id);
    // Resuming a download that waits for its retry skips the rest of the countdown.
    if (requireAllowed(record.status, 'resume') === 'no-op') return this.snapshot(id);
    this.setStatus(id, 'queued');
    this.pump();
    return this.snapshot(id);
  }

  async cancel(id: string): Promise<DownloadSnapshot> {
    const record = this.record(id);
    if (requireAllowed(record.status, 'cancel') === 'no-op') return this.snapshot(id);
    if (this.running.has(id)) await this.stopTask(id, 'cancel');
    else await this.markCancelled(id);
    return this.snapshot(id);
  }

  async restart(id: string): Promise<DownloadSnapshot> {
    const record = this.record(id);
    if (requireAllowed(record.status, 'restart') === 'no-op') return this.snapshot(id);
    this.update(id, {
      // Bytes that failed their checksum are no partial worth resuming.
      ...(record.error_code === 'CHECKSUM_MISMATCH' ? { downloaded_bytes: 0 } : {}),
      status: 'queued',
      failed_count: 0,
      max_attempts: this.settings.max_attempts,
      next_retry_at: null,
      error_code: null,
      error_message: null,
      notice: null,
    });
    this.pump();
    return this.snapshot(id);
  }

  async changeSource(id: string, url: string): Promise<DownloadSnapshot> {
    const input = parseInput(changeSourceSchema, { url });
    const record = this.record(id);
    if (requireAllowed(record.status, 'changeSource') === 'no-op') return this.snapshot(id);
    const verifiable = record.etag !== null || record.last_modified !== null;
    // Without a validator nothing proves the new link serves the same file, so the partial
    // cannot be trusted; with one, the next attempt's If-Range and size checks decide.
    const restart = !verifiable && record.downloaded_bytes > 0;
    this.update(id, {
      source: sourceFromUrl(input.url),
      ...(restart
        ? {
            downloaded_bytes: 0,
            total_bytes: null,
            notice: 'The new link cannot be checked against the partial download; it will start again from the start.',
          }
        : {}),
    });
    return this.snapshot(id);
  }

  async setSpeedLimit(id: string, limit: number | null): Promise<DownloadSnapshot> {
    const { speed_limit } = parseInput(speedLimitSchema, { speed_limit: limit });
    if (requireAllowed(this.record(id).status, 'setSpeedLimit') === 'no-op') return this.snapshot(id);
    this.update(id, { speed_limit });
    this.limits.get(id)?.setRate(speed_limit);
    return this.snapshot(id);
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    const { delete_file } = parseInput(removeOptionsSchema, options);
    if (requireAllowed(this.record(id).status, 'remove') === 'no-op') return;
    if (this.running.has(this.record(id).id)) await this.stopTask(id, 'remove');
    const record = this.record(id);
    this.cancelRetry(id);
    this.store.deleteDownload(id);
    this.records.delete(id);
    this.noRanges.delete(id);
    if (record.status === 'completed') {
      if (delete_file) await rm(join(record.dest_dir, record.filename), { force: true });
    } else {
      await rm(partialPath(record.dest_dir, record.filename), { force: true });
    }
    this.removed.add(id);
    this.batcher.mark(id);
    this.pump();
  }

  async getSettings(): Promise<Settings> {
    return { ...this.settings };
  }

  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    this.engineSettings.update(patch);
    return this.getSettings();
  }

  onChanged(listener: (change: DownloadsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async attempts(id: string): Promise<AttemptRecord[]> {
    return this.store.listAttempts(this.record(id).id).map(toAttemptRecord);
  }

  // ---- scheduling ---------------------------------------------------------------------------

  private schedulable(id: string): boolean {
    return this.only === null || this.only.has(id);
  }

  private pump(): void {
    if (!this.started) return;
    for (const record of this.records.values()) {
      if (this.running.size >= this.settings.max_concurrent) return;
      if (record.status === 'queued' && !this.running.has(record.id) && this.schedulable(record.id)) this.launch(record);
    }
  }

  private launch(record: DownloadRecord): void {
    const id = record.id;
    const task: RunningTask = {
      abort: new AbortController(),
      stopReason: null,
      bytes: record.downloaded_bytes,
      speed: new SpeedMeter(),
      connections: 0,
      done: Promise.resolve(),
    };
    this.running.set(id, task);
    const attemptId = this.store.transaction(() => {
      this.update(id, { status: 'downloading', next_retry_at: null });
      return this.store.startAttempt({
        download_id: id,
        number: Math.min(record.failed_count + 1, record.max_attempts),
        started_at: this.clock.now(),
        offset_from: record.downloaded_bytes,
      });
    });
    const current = this.records.get(id)!;
    const ownLimit = new TokenBucket(current.speed_limit, () => this.clock.now());
    this.limits.set(id, ownLimit);
    task.done = runAttempt({
      record: current,
      source: this.createSource(current.source),
      stallTimeoutMs: this.settings.stall_timeout_seconds * 1000,
      signal: task.abort.signal,
      now: () => this.clock.now(),
      onResponse: (facts) => this.recordResponse(id, facts),
      onBytes: (position, chunk) => {
        task.bytes = position;
        task.speed.add(chunk, this.clock.now());
        this.batcher.mark(id);
      },
      onCheckpoint: (offset) => this.update(id, { downloaded_bytes: offset }),
      connections: this.noRanges.has(id) ? 1 : this.settings.connections,
      onConnections: (count) => {
        task.connections = count;
        this.batcher.mark(id);
      },
      segments: this.store.listSegments(id),
      onSegments: (segments) =>
        this.store.transaction(() => {
          this.update(id, { downloaded_bytes: segments.reduce((sum, s) => sum + s.done, 0) });
          this.store.replaceSegments(id, segments);
        }),
      throttle: async (bytes, signal) => {
        await this.globalLimit.take(bytes, signal);
        await ownLimit.take(bytes, signal);
      },
      finalName: (filename) => this.freeName(current.dest_dir, filename, id, true),
    })
      .then(
        (result) => this.succeeded(id, attemptId, result),
        (error: unknown) => this.attemptEnded(id, attemptId, task, error),
      )
      .catch((error: unknown) => this.bookkeepingFailed(id, error))
      .finally(() => {
        this.running.delete(id);
        this.limits.delete(id);
        this.pump();
      });
  }

  private recordResponse(id: string, facts: ResponseFacts): string {
    const record = this.records.get(id)!;
    let filename = record.filename;
    // Like a browser, a fresh download takes the server's name unless the user chose one.
    if (facts.start === 0 && record.downloaded_bytes === 0 && !record.filename_from_user && facts.suggestedName) {
      filename = this.freeName(record.dest_dir, sanitizeFilename(facts.suggestedName), id);
      // Nothing durable is in the old partial (downloaded_bytes is 0): do not leave it behind.
      if (filename !== record.filename) rmSync(partialPath(record.dest_dir, record.filename), { force: true });
    }
    this.update(id, {
      filename,
      total_bytes: facts.total,
      etag: facts.validator.etag,
      last_modified: facts.validator.lastModified,
      downloaded_bytes: facts.start,
      ...(facts.restartReason !== null ? { notice: facts.restartReason } : {}),
    });
    const task = this.running.get(id);
    if (task) task.bytes = facts.start;
    return filename;
  }

  private succeeded(id: string, attemptId: number, result: { filename: string; total: number }): void {
    const now = this.clock.now();
    this.store.transaction(() => {
      this.store.endAttempt(attemptId, { ended_at: now, offset_to: result.total, error_code: null, error_message: null });
      this.store.replaceSegments(id, []);
      this.update(id, {
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

  private async attemptEnded(id: string, attemptId: number, task: RunningTask, thrown: unknown): Promise<void> {
    const now = this.clock.now();
    const record = this.records.get(id);
    if (task.stopReason !== null) {
      if (task.stopReason === 'remove' || record === undefined) return;
      const words = { pause: 'Paused', cancel: 'Cancelled', shutdown: 'Stopped at shutdown' } as const;
      this.store.endAttempt(attemptId, {
        ended_at: now,
        offset_to: record.downloaded_bytes,
        error_code: null,
        error_message: words[task.stopReason],
      });
      if (task.stopReason === 'cancel') await this.markCancelled(id);
      else this.setStatus(id, task.stopReason === 'pause' ? 'paused' : 'queued');
      return;
    }
    if (record === undefined) return;
    if (thrown instanceof OneConnectionRestart) {
      // Like a pause and resume: this attempt ends without failing, and the queue starts it again.
      this.noRanges.add(id);
      this.store.transaction(() => {
        this.store.endAttempt(attemptId, { ended_at: now, offset_to: 0, error_code: null, error_message: thrown.message });
        this.update(id, { status: 'queued', next_retry_at: null, notice: thrown.message });
      });
      return;
    }
    const error =
      thrown instanceof DownloadError
        ? thrown
        : permanentError('INTERNAL_ERROR', `Internal error: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    const decision = decideAfterFailure(error, record.failed_count + 1, this.retryPolicy(record));
    this.store.transaction(() => {
      this.store.endAttempt(attemptId, {
        ended_at: now,
        offset_to: record.downloaded_bytes,
        error_code: error.code,
        error_message: error.message,
      });
      if (decision.action === 'retry') {
        this.update(id, {
          status: 'retrying',
          failed_count: record.failed_count + 1,
          next_retry_at: now + decision.delayMs,
          error_code: error.code,
          error_message: error.message,
        });
      } else {
        this.update(id, {
          status: 'failed',
          failed_count: decision.failedCount,
          next_retry_at: null,
          error_code: error.code,
          error_message: decision.message,
        });
      }
    });
    if (decision.action === 'retry') this.scheduleRetry(this.records.get(id)!);
  }

  /**
   * Recording an attempt's end failed (the database's disk is full, a file is locked): the
   * download must not stay "downloading" with nothing running, so mark it failed, in memory at
   * least, with the reason.
   */
  private bookkeepingFailed(id: string, error: unknown): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    const message = `Could not record the download's state: ${error instanceof Error ? error.message : String(error)}`;
    const patch: DownloadPatch = { status: 'failed', next_retry_at: null, error_code: 'INTERNAL_ERROR', error_message: message };
    try {
      this.update(id, patch);
    } catch {
      this.records.set(id, { ...record, ...patch });
      this.batcher.mark(id);
    }
  }

  /** The download's own attempt count (what its "Attempt n of m" shows); delays as set now. */
  private retryPolicy(record: DownloadRecord): RetryPolicy {
    return {
      maxAttempts: record.max_attempts,
      initialDelayMs: this.settings.initial_delay_seconds * 1000,
      backoff: this.settings.backoff,
    };
  }

  private scheduleRetry(record: DownloadRecord): void {
    if (!this.started) return;
    this.cancelRetry(record.id);
    const delay = Math.max(0, (record.next_retry_at ?? 0) - this.clock.now());
    const cancel = this.clock.setTimeout(() => {
      this.retryTimers.delete(record.id);
      if (this.records.get(record.id)?.status !== 'retrying') return;
      // With no network an attempt could only fail: wait for it instead of spending one.
      if (!this.online) {
        this.waitingForNetwork.add(record.id);
        this.batcher.mark(record.id);
        return;
      }
      this.setStatus(record.id, 'queued');
      this.pump();
    }, delay);
    this.retryTimers.set(record.id, cancel);
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
    for (const id of this.waitingForNetwork) {
      if (this.records.get(id)?.status === 'retrying') this.setStatus(id, 'queued');
    }
    this.waitingForNetwork.clear();
    this.pump();
  }

  private cancelRetry(id: string): void {
    this.retryTimers.get(id)?.();
    this.retryTimers.delete(id);
  }

  private async stopTask(id: string, reason: StopReason): Promise<void> {
    const task = this.running.get(id);
    if (!task) return;
    if (task.stopReason === null || STOP_RANK[reason] > STOP_RANK[task.stopReason]) task.stopReason = reason;
    task.abort.abort(new Error(`download ${reason}`));
    await task.done;
  }

  private async markCancelled(id: string): Promise<void> {
    const record = this.records.get(id)!;
    this.cancelRetry(id);
    // The status first: while the file is deleted, no free slot may start this download again.
    this.update(id, { status: 'cancelled', downloaded_bytes: 0, next_retry_at: null });
    await rm(partialPath(record.dest_dir, record.filename), { force: true });
  }

  /** DESIGN.md §2's recovery: an attempt cut off by a crash resumes from its durable offset. */
  private recover(): void {
    for (const record of this.records.values()) {
      if (record.status === 'downloading') this.setStatus(record.id, 'queued');
    }
  }

  // ---- records, names, settings ------------------------------------------------------------

  private record(id: unknown): DownloadRecord {
    const valid = parseInput(downloadIdSchema, id);
    const record = this.records.get(valid);
    if (!record) throw new ApiRequestError('NOT_FOUND', `No download with id ${valid}`);
    return record;
  }

  private setStatus(id: string, status: DownloadStatus): void {
    if (status !== 'retrying') {
      this.cancelRetry(id);
      this.waitingForNetwork.delete(id);
    }
    this.update(id, { status, next_retry_at: null });
  }

  private update(id: string, patch: DownloadPatch): void {
    const full = { ...patch, updated_at: this.clock.now() };
    // Starting again from 0 (cancel, a changed file, a bad checksum) forgets any byte ranges too.
    this.store.saveDownload(id, full, patch.downloaded_bytes === 0 ? [] : undefined);
    this.records.set(id, { ...this.records.get(id)!, ...full });
    this.batcher.mark(id);
  }

  /**
   * A name under which neither the file nor its partial exists and that no other unfinished
   * download of the same folder uses; `final` checks only the finished file's name.
   */
  private freeName(destDir: string, wanted: string, self: string | null, final = false): string {
    const claimed = new Set<string>();
    const folder = sameFolderKey(destDir);
    for (const other of this.records.values()) {
      if (other.id !== self && sameFolderKey(other.dest_dir) === folder && other.status !== 'completed') {
        claimed.add(other.filename.toLowerCase());
      }
    }
    const own = self === null ? null : this.records.get(self)!.filename;
    return uniqueFilename(wanted, (candidate) => {
      if (existsSync(join(destDir, candidate))) return true;
      if (final) return false;
      if (candidate === own) return false;
      return claimed.has(candidate.toLowerCase()) || existsSync(partialPath(destDir, candidate));
    });
  }

  /** The settings in force now: EngineSettings loads, saves and announces them. */
  private get settings(): Settings {
    return this.engineSettings.current;
  }

  private defaultSource(source: DownloadSource): ByteSource {
    if (source.kind === 'http') return new HttpSource(source.url);
    return new S3Source(() => this.s3.clientFor(source), source.bucket, source.key, this.s3.hostFor(source), () => this.clock.now());
  }

  /** What an add request downloads, and the name it suggests before any server answers. */
  private resolveSource(input: ParsedAddRequest): { source: DownloadSource; name: string | null } {
    if ('url' in input) {
      const source = sourceFromUrl(input.url);
      return { source, name: source.kind === 'http' ? filenameFromUrl(source.url) : lastSegment(source.key) };
    }
    if ('s3' in input) return { source: { kind: 's3', ...input.s3 }, name: lastSegment(input.s3.key) };
    const catalog = this.settings.catalog;
    if (catalog === null) {
      throw new ApiRequestError('INVALID_ARGUMENT', 'No content catalog is configured: set "catalog" in the settings first');
    }
    if (!catalog.qualities.includes(input.quality)) {
      throw new ApiRequestError(
        'INVALID_ARGUMENT',
        `quality must be one of ${catalog.qualities.join(', ')}, not "${input.quality}"`,
      );
    }
    const fill = (template: string) =>
      template.replaceAll('{content_id}', input.content_id).replaceAll('{quality}', input.quality);
    return {
      source: { kind: 's3', bucket: catalog.bucket, key: fill(catalog.key_template) },
      name: fill(catalog.filename_template),
    };
  }

  private snapshot(id: string): DownloadSnapshot {
    const record = this.records.get(id)!;
    const task = this.running.get(id);
    const now = this.clock.now();
    return toSnapshot(
      record,
      task ? { bytes: task.bytes, speed: task.speed.bytesPerSecond(now), connections: task.connections } : null,
      now,
      this.waitingForNetwork.has(id),
    );
  }

  private emit(ids: string[]): void {
    const snapshots = ids.filter((id) => this.records.has(id)).map((id) => this.snapshot(id));
    const removed = ids.filter((id) => this.removed.delete(id));
    for (const listener of this.listeners) listener({ snapshots, removed });
  }
}
