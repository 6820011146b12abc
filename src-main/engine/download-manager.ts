import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadsChange, EngineApi } from '../contract/api.js';
import type { AttemptRecord, DownloadSnapshot, DownloadStatus } from '../contract/downloads.js';
import type { ExtensionPairingState } from '../contract/extension-pairing.js';
import type { DownloadHistory } from '../contract/history.js';
import { type ProgressReport, toProgressReport } from '../contract/progress-report.js';
import type { ParsedAddRequest, ParsedSettingsPatch } from '../contract/schemas.js';
import type { Settings } from '../contract/settings.js';
import { needsFreshLink, requireAllowed } from '../contract/transitions.js';
import { AttemptLauncher, type SourceFactory } from './attempt-launcher.js';
import { stoppedOutcome } from './attempt-outcome.js';
import { type Clock, systemClock } from './clock.js';
import { DownloadHeaders, headersForNewLink, headersForUrl } from './download-headers.js';
import { DownloadRegistry } from './download-registry.js';
import type { DownloadRuntime } from './download-runtime.js';
import { type DownloadPatch, type DownloadStore, newDownloadRecord } from './download-store.js';
import { EngineSettings } from './engine-settings.js';
import { ExtensionPairing } from './extension-pairing.js';
import { sanitizeFilename } from './file-names.js';
import { canonicalFolder, FileNaming } from './file-naming.js';
import { folderForNew, folderForServerName } from './category-folders.js';
import { clockJumpDetector } from './clock-jump.js';
import { QueueSchedule } from './queue-schedule.js';
import { removeOwned } from './owned-files.js';
import { partialPath } from './partial-file.js';
import { MemorySecretStore, type SecretStore } from './secret-store.js';
import { toAttemptRecord } from './snapshot.js';
import { downloadHistory } from './history.js';
import { type CompletedFile, openCompletedFile } from './completed-file.js';
import { resolveSource, sourceFromUrl } from './source-resolution.js';
import { TokenBucket } from './token-bucket.js';

export type { SourceFactory } from './attempt-launcher.js';

export interface ManagerOptions {
  store: DownloadStore;
  /** Used until the user chooses a download folder in the settings. */
  defaultDownloadDir: string;
  /** The transports (src-main/sources/): the engine itself knows only the ByteSource interface. */
  createSource: SourceFactory;
  /** Where the S3 secret key and downloads' request headers live; nothing is kept without one. */
  secrets?: SecretStore;
  clock?: Clock;
  /** Settings for this process only (CLI flags): applied over the stored ones, never saved. */
  settingsOverride?: Partial<Settings>;
  /**
   * The least time between two change events: 100 ms (10 a second) for front ends. The CLI, which
   * learns from them that its download ended, uses less so that it does not wait to exit.
   */
  changeIntervalMs?: number;
  /** Counts only while the computer is awake (default `performance.now`): with `clock`, it tells a sleep. */
  monotonicNow?: () => number;
  /** After a wake, due retries wait this long at least, then for the network (default 10 s). */
  wakeSettleMs?: number;
}

/** How often the engine looks for a clock jump while nothing else makes it look. */
const WAKE_CHECK_MS = 5_000;
const WAKE_SETTLE_MS = 10_000;

/**
 * The download engine's scheduler and registry (ARCHITECTURE.md §8): the queue with its
 * concurrency limit, the transitions of §2, retries on timers, recovery at start-up, and
 * batched change events. Arguments arrive validated (the contract's edge does that). Every state
 * change is written to the store first, then mirrored in memory, then announced.
 */
export class DownloadManager implements EngineApi {
  private readonly store: DownloadStore;
  private readonly clock: Clock;
  private readonly downloads: DownloadRegistry;
  private readonly settings: EngineSettings;
  private readonly naming: FileNaming;
  private readonly headers: DownloadHeaders;
  private readonly launcher: AttemptLauncher;
  private started = false;
  private online = true;
  private only: ReadonlySet<string> | null = null;
  /** The paired browser extension; the composition roots hand it to the server's door. */
  readonly extensions: ExtensionPairing;
  private readonly schedule: QueueSchedule;
  private readonly globalLimit: TokenBucket;
  private readonly slept: () => boolean;
  private readonly wakeSettleMs: number;
  /** After a wake, due retries wait until then (and for the network). */
  private settleUntil = 0;
  private cancelWakeWatch: (() => void) | null = null;
  private cancelSettle: (() => void) | null = null;

  constructor(options: ManagerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    const secrets = options.secrets ?? new MemorySecretStore();
    this.headers = new DownloadHeaders(secrets);
    this.extensions = new ExtensionPairing(secrets, this.clock);
    this.settings = new EngineSettings({
      store: this.store,
      secrets,
      defaultDownloadDir: options.defaultDownloadDir,
      override: options.settingsOverride,
    });
    this.schedule = new QueueSchedule(this.clock, () => this.settings.current);
    const globalLimit = new TokenBucket(this.schedule.speedLimit, () => this.clock.now());
    this.globalLimit = globalLimit;
    this.settings.onChange(() => this.applySchedule());
    this.slept = clockJumpDetector(() => this.clock.now(), options.monotonicNow ?? (() => performance.now()));
    this.wakeSettleMs = options.wakeSettleMs ?? WAKE_SETTLE_MS;
    this.downloads = new DownloadRegistry(this.store, this.clock, options.changeIntervalMs, (download) => ({
      requestHeaders: this.headers.names(download.id),
      waitingForSchedule: this.heldBySchedule(download),
    }));
    this.naming = new FileNaming(() => this.downloads.records());
    this.launcher = new AttemptLauncher({
      store: this.store,
      registry: this.downloads,
      naming: this.naming,
      clock: this.clock,
      createSource: options.createSource,
      settings: () => this.settings.current,
      requestHeaders: (id) => this.headers.load(id),
      globalLimit,
      onRetry: (download) => this.timeRetry(download),
      onSettled: () => this.pump(),
      folderFor: (record, filename) => folderForServerName(this.settings.current, record, filename),
      checkWake: () => this.checkWake(),
    });
    // An attempt cut off by a crash resumes from its durable offset.
    for (const download of this.downloads.all()) if (download.record.status === 'downloading') this.setStatus(download, 'queued');
  }

  /**
   * Starts scheduling: queued downloads begin and pending retries are timed. `only` limits
   * the engine to some downloads (the CLI runs one and leaves the rest of the queue alone).
   */
  start(options: { only?: readonly string[] } = {}): void {
    this.started = true;
    this.only = options.only ? new Set(options.only) : null;
    for (const download of this.downloads.all()) {
      if (download.record.status === 'retrying' && this.schedulable(download)) this.timeRetry(download);
    }
    this.watchForWake();
    this.applySchedule();
  }

  /** Stops every attempt with its bytes checkpointed; they resume at the next start. */
  async shutdown(): Promise<void> {
    this.started = false;
    this.schedule.disarm();
    this.cancelWakeWatch?.();
    this.cancelSettle?.();
    for (const download of this.downloads.all()) download.cancelRetry();
    await Promise.all([...this.downloads.all()].map((download) => download.stop('shutdown')));
    this.downloads.flush();
  }

  // ---- the API -----------------------------------------------------------------------------

  async list(): Promise<DownloadSnapshot[]> {
    return [...this.downloads.all()].map((download) => this.snapshot(download));
  }

  async get(id: string): Promise<DownloadSnapshot> {
    return this.snapshot(this.download(id));
  }

  async progress(id: string): Promise<ProgressReport> {
    return toProgressReport(await this.get(id));
  }

  async add(input: ParsedAddRequest): Promise<DownloadSnapshot> {
    // A sign-in in the URL becomes a header like the others: the stored address carries none.
    const request = 'url' in input ? headersForUrl(input.url, input.headers) : null;
    const { source, name } = resolveSource(request === null ? input : { ...input, url: request.url }, this.settings.current.catalog);
    const headers = request?.headers ?? {};
    if (source.kind !== 'http' && Object.keys(headers).length > 0) {
      throw new ApiRequestError('INVALID_ARGUMENT', 'headers: only http(s) downloads take request headers (and user:password@ in the URL)');
    }
    const wanted = sanitizeFilename(input.filename ?? name ?? '');
    // Sorted by the name known now; the server's name may still move it before a byte is written.
    const destDir = await canonicalFolder(resolve(input.dest_dir ?? folderForNew(this.settings.current, wanted)));
    const id = randomUUID();
    // Saved before the row exists, so its first attempt finds them.
    this.headers.save(id, headers);
    const download = await this.naming
      .claim({ destDir, wanted, self: null }, (filename) =>
        this.downloads.insert(
          newDownloadRecord({
            id,
            source,
            filename,
            // A name the user or the catalog chose is kept over whatever the server suggests.
            filenameFromUser: input.filename !== undefined || 'content_id' in input,
            destDir,
            maxAttempts: this.settings.current.max_attempts,
            sha256: input.sha256 ?? null,
            speedLimit: input.speed_limit ?? null,
            now: this.clock.now(),
          }),
        ),
      )
      .catch((error: unknown) => {
        this.headers.forget(id);
        throw error;
      });
    this.pump();
    return this.snapshot(download);
  }

  async pause(id: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    if (requireAllowed(download.record.status, 'pause') === 'no-op') return this.snapshot(download);
    if (download.record.started_by_hand) this.downloads.update(download, { started_by_hand: false });
    if (download.attempt !== null) await download.stop('pause');
    else this.setStatus(download, 'paused');
    return this.snapshot(download);
  }

  async resume(id: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    // Resume right after pause: let the pause finish, then resume, rather than drop the click.
    if (download.attempt?.stopReason === 'pause') await download.attempt.done;
    // A queued download the schedule holds: Resume is the user's explicit start (§2 "Schedules").
    if (this.heldBySchedule(download)) {
      this.downloads.update(download, { started_by_hand: true });
      this.pump();
      return this.snapshot(download);
    }
    // Resuming a download that waits for its retry skips the rest of the countdown.
    if (requireAllowed(download.record.status, 'resume') === 'no-op') return this.snapshot(download);
    // The user's explicit start outranks the schedule (§2 "Schedules").
    this.setStatus(download, 'queued', { started_by_hand: !this.schedule.queueOpen });
    this.pump();
    return this.snapshot(download);
  }

  async cancel(id: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    if (requireAllowed(download.record.status, 'cancel') === 'no-op') return this.snapshot(download);
    if (download.attempt !== null) await download.stop('cancel');
    else await this.launcher.settle(download, stoppedOutcome(download.record, 'cancel', this.clock.now()), null);
    return this.snapshot(download);
  }

  async restart(id: string): Promise<DownloadSnapshot> {
    const download = this.download(id);
    requireAllowed(download.record.status, 'restart');
    const code = download.record.error_code;
    // Bytes that failed their checksum are no partial worth resuming. A link that gives another
    // file, or none, is restarted to take what it gives now (its error says so; Change link is
    // the way to keep the partial, ARCHITECTURE.md §4): nothing recorded of the old file stays.
    const fromZero = code === 'CHECKSUM_MISMATCH' || needsFreshLink(code);
    const forget = code === 'CHECKSUM_MISMATCH' ? {} : { total_bytes: null, etag: null, last_modified: null };
    this.downloads.update(
      download,
      {
        ...(fromZero ? { downloaded_bytes: 0, ...forget } : {}),
        ...this.requeued(),
        // Like Resume, an explicit start that outranks the schedule.
        started_by_hand: !this.schedule.queueOpen,
      },
      // The ranges of a split download say its progress too: they go with it.
      fromZero ? [] : undefined,
    );
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
    const kept = this.headers.load(id);
    const { url: address, headers } = headersForNewLink(record.source.kind === 'http' ? record.source.url : null, url, kept);
    if (JSON.stringify(headers) !== JSON.stringify(kept)) this.headers.save(id, headers);
    // The fresh link the error asked for (ARCHITECTURE.md §4 "Not this file"): it continues at
    // once; its first response is checked against the partial like any resume.
    const continues = record.status === 'failed' && needsFreshLink(record.error_code);
    this.downloads.update(download, {
      ...(continues ? this.requeued() : {}),
      source: sourceFromUrl(address),
      // Another server may serve ranges properly.
      one_connection: false,
      ...(restart
        ? {
            downloaded_bytes: 0,
            total_bytes: null,
            notice: 'The new link cannot be checked against the partial download; it will start again from the start.',
            notice_code: 'NEW_LINK_UNCHECKED',
          }
        : {}),
    });
    if (continues) this.pump();
    return this.snapshot(download);
  }

  /** Queued afresh: a whole attempt budget, the last error and notice cleared. */
  private requeued(): DownloadPatch {
    return {
      status: 'queued',
      failed_count: 0,
      max_attempts: this.settings.current.max_attempts,
      next_retry_at: null,
      error_code: null,
      error_message: null,
      notice: null,
      notice_code: null,
    };
  }

  async setSpeedLimit(id: string, limit: number | null): Promise<DownloadSnapshot> {
    const download = this.download(id);
    requireAllowed(download.record.status, 'setSpeedLimit');
    this.downloads.update(download, { speed_limit: limit });
    download.setSpeedLimit(limit);
    return this.snapshot(download);
  }

  async remove(id: string, options: { delete_file?: boolean } = {}): Promise<void> {
    const download = this.download(id);
    requireAllowed(download.record.status, 'remove');
    await download.stop('remove');
    download.cancelRetry();
    const { record } = download;
    this.downloads.delete(download);
    this.headers.forget(record.id);
    // Only the file this download created: whatever else is under its name stays (owned-files.ts).
    if (record.status === 'completed') {
      if (options.delete_file === true) await removeOwned(join(record.dest_dir, record.filename), record.partial_file);
    } else {
      await removeOwned(partialPath(record.dest_dir, record.filename), record.partial_file);
    }
    this.pump();
  }

  async extensionPairing(): Promise<ExtensionPairingState> {
    return this.extensions.state();
  }

  async startExtensionPairing(): Promise<ExtensionPairingState> {
    return this.extensions.startPairing();
  }

  async setExtensionAccepting(extension: string, { accepting }: { accepting: boolean }): Promise<ExtensionPairingState> {
    return this.extensions.setAccepting(extension, accepting);
  }

  async revokeExtension(extension: string): Promise<void> {
    this.extensions.revoke(extension);
  }

  async getSettings(): Promise<Settings> {
    return { ...this.settings.current };
  }

  async updateSettings(patch: ParsedSettingsPatch): Promise<Settings> {
    this.settings.update(patch);
    return this.getSettings();
  }

  onChanged(listener: (change: DownloadsChange) => void): () => void {
    return this.downloads.onChanged(listener);
  }

  async attempts(id: string): Promise<AttemptRecord[]> {
    return this.store.listAttempts(this.download(id).id).map(toAttemptRecord);
  }

  async history(id: string): Promise<DownloadHistory> {
    const download = this.download(id);
    const rows = this.store.listAttempts(download.id);
    return downloadHistory(download.record, rows, this.store.listAttemptStories(download.id), download.attempt?.story.live() ?? null);
  }

  /** The file a completed download created, open for reading, checked to be that file (not a link, not a replacement). */
  async openCompletedFile(id: string): Promise<CompletedFile> {
    return openCompletedFile(this.download(id).record);
  }

  /**
   * What the operating system says of the network (the desktop app forwards it). While offline,
   * due retries wait; back online, they start at once. Headless mode never calls this and keeps
   * the plain schedule.
   */
  setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.releaseWaiting();
  }

  /**
   * The computer woke from sleep (Electron's powerMonitor 'resume', or a clock jump the engine saw
   * itself). Attempts that ran through it do not count a transient failure; retries that came due
   * wait for the network as after an outage, at least `wakeSettleMs`; the schedule is looked at again.
   */
  noteWake(): void {
    this.settleUntil = this.clock.now() + this.wakeSettleMs;
    for (const download of this.downloads.all()) {
      if (download.attempt !== null) download.attempt.sleptThrough = true;
      // Its timer ran on the monotonic clock, which stood still: time it again from the wall clock.
      if (this.started && download.record.status === 'retrying' && !download.waitingForNetwork && this.schedulable(download)) this.timeRetry(download);
    }
    if (!this.started) return;
    this.cancelSettle?.();
    this.cancelSettle = this.clock.setTimeout(() => this.releaseWaiting(), this.wakeSettleMs);
    this.applySchedule();
  }

  // ---- scheduling ---------------------------------------------------------------------------

  private schedulable(download: DownloadRuntime): boolean {
    return this.only === null || this.only.has(download.id);
  }

  /** Queued, and left queued by the schedule's closed window (§2 "Schedules"): Resume starts it. */
  private heldBySchedule(download: DownloadRuntime): boolean {
    return download.record.status === 'queued' && download.attempt === null && !this.schedule.queueOpen && !download.record.started_by_hand;
  }

  private pump(): void {
    if (!this.started) return;
    let running = [...this.downloads.all()].filter((d) => d.attempt !== null).length;
    for (const download of this.downloads.all()) {
      if (running >= this.settings.current.max_concurrent) return;
      if (this.heldBySchedule(download)) continue;
      if (download.record.status === 'queued' && download.attempt === null && this.schedulable(download)) {
        this.launcher.launch(download);
        running += 1;
      }
    }
  }

  private timeRetry(download: DownloadRuntime): void {
    if (!this.started) return;
    download.timeRetry(download.record.next_retry_at ?? 0, () => {
      if (download.record.status !== 'retrying' || !this.downloads.has(download)) return;
      this.checkWake();
      // With no network an attempt could only fail: wait for it instead of spending one.
      if (!this.networkReady()) {
        download.waitingForNetwork = true;
        this.downloads.changed(download);
        return;
      }
      this.setStatus(download, 'queued');
      this.pump();
    });
  }

  /**
   * Follows the time of day (ARCHITECTURE.md §2 "Schedules"): the global speed limit, and when
   * the queue's window closes, running downloads stop back to queued (checkpointed, no attempt
   * spent) unless the user started them by hand; when it opens, the queue starts.
   */
  private applySchedule(): void {
    const wasOpen = this.schedule.queueOpen;
    if (this.started) this.schedule.arm(() => this.applySchedule());
    else this.schedule.evaluate();
    // Queued rows say whether the schedule holds them.
    if (this.schedule.queueOpen !== wasOpen) {
      for (const download of this.downloads.all()) if (download.record.status === 'queued') this.downloads.changed(download);
    }
    this.globalLimit.setRate(this.schedule.speedLimit);
    if (!this.started) return;
    if (!this.schedule.queueOpen) {
      for (const download of this.downloads.all()) if (download.attempt !== null && !download.record.started_by_hand) void download.stop('schedule');
    }
    this.pump();
  }

  private networkReady(): boolean {
    return this.online && this.clock.now() >= this.settleUntil;
  }

  /** Due retries that waited for the network start, if it is there. */
  private releaseWaiting(): void {
    if (!this.networkReady()) return;
    for (const download of this.downloads.all()) {
      if (download.waitingForNetwork && download.record.status === 'retrying') this.setStatus(download, 'queued');
    }
    this.pump();
  }

  private checkWake(): void {
    if (this.slept()) this.noteWake();
  }

  private watchForWake(): void {
    const look = () => {
      this.checkWake();
      this.cancelWakeWatch = this.clock.setTimeout(look, WAKE_CHECK_MS);
    };
    look();
  }

  // ---- records ------------------------------------------------------------------------------

  private download(id: string): DownloadRuntime {
    return this.downloads.get(id);
  }

  private setStatus(download: DownloadRuntime, status: DownloadStatus, also: DownloadPatch = {}): void {
    if (status !== 'retrying') download.cancelRetry();
    this.downloads.update(download, { ...also, status, next_retry_at: null });
  }

  private snapshot(download: DownloadRuntime): DownloadSnapshot {
    return this.downloads.snapshot(download);
  }
}
