import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadsChange } from '../contract/api.js';
import type { DownloadSnapshot } from '../contract/downloads.js';
import { ChangeBatcher } from './change-batcher.js';
import type { Clock } from './clock.js';
import { DownloadRuntime } from './download-runtime.js';
import type { DownloadPatch, DownloadRecord, DownloadStore } from './download-store.js';
import type { Segment } from './segments.js';
import { type SchedulerView, toSnapshot } from './snapshot.js';

/**
 * Every download the engine holds, and the one way their state changes: written to the store
 * first, then mirrored in memory, then announced in batched change events (ARCHITECTURE.md §8).
 */
export class DownloadRegistry {
  private readonly downloads = new Map<string, DownloadRuntime>();
  private readonly listeners = new Set<(change: DownloadsChange) => void>();
  private readonly removed = new Set<string>();
  private readonly batcher: ChangeBatcher;

  constructor(
    private readonly store: DownloadStore,
    private readonly clock: Clock,
    changeIntervalMs?: number,
    /** What the manager knows of a download for its snapshot: its header names, the schedule's hold. */
    private readonly view: (download: DownloadRuntime) => Pick<SchedulerView, 'requestHeaders' | 'waitingForSchedule'> = () => ({
      requestHeaders: [],
      waitingForSchedule: false,
    }),
  ) {
    this.batcher = new ChangeBatcher((ids) => this.emit(ids), clock, changeIntervalMs);
    for (const record of store.listDownloads()) this.downloads.set(record.id, new DownloadRuntime(record, clock));
  }

  all(): IterableIterator<DownloadRuntime> {
    return this.downloads.values();
  }

  records(): DownloadRecord[] {
    return [...this.downloads.values()].map((d) => d.record);
  }

  has(download: DownloadRuntime): boolean {
    return this.downloads.get(download.id) === download;
  }

  get(id: string): DownloadRuntime {
    const download = this.downloads.get(id);
    if (!download) throw new ApiRequestError('NOT_FOUND', `No download with id ${id}`);
    return download;
  }

  insert(record: DownloadRecord): DownloadRuntime {
    this.store.insertDownload(record);
    const download = new DownloadRuntime(record, this.clock);
    this.downloads.set(record.id, download);
    this.changed(download);
    return download;
  }

  delete(download: DownloadRuntime): void {
    this.store.deleteDownload(download.id);
    this.downloads.delete(download.id);
    this.removed.add(download.id);
    this.batcher.mark(download.id);
  }

  /** Writes the patch (and the byte ranges, when given) in one transaction, then mirrors and announces it. */
  update(download: DownloadRuntime, patch: DownloadPatch, segments?: readonly Segment[]): void {
    const full = { ...patch, updated_at: this.clock.now() };
    // Starting again from 0 (cancel, a changed file, a bad checksum) forgets any byte ranges too.
    this.store.saveDownload(download.id, full, segments ?? (patch.downloaded_bytes === 0 ? [] : undefined));
    download.record = { ...download.record, ...full };
    this.changed(download);
  }

  /** Something shown about it changed (bytes, speed, connections): the next batch carries it. */
  changed(download: DownloadRuntime): void {
    this.batcher.mark(download.id);
  }

  snapshot(download: DownloadRuntime): DownloadSnapshot {
    return toSnapshot(download.record, download.progress(), this.clock.now(), {
      waitingForNetwork: download.waitingForNetwork,
      connectionLimit: download.connectionLimit,
      ...this.view(download),
    });
  }

  onChanged(listener: (change: DownloadsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hands over the pending changes now (shutdown). */
  flush(): void {
    this.batcher.flushNow();
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
