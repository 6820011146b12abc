import type { AttemptRecord, DownloadSnapshot } from './downloads.js';
import type { ProgressReport } from './progress-report.js';
import type { AddRequest, RemoveOptions, SettingsPatch } from './schemas.js';
import type { Settings } from './settings.js';

/** One batch of changes: the new snapshot of each changed download, and the ids removed. */
export interface DownloadsChange {
  snapshots: DownloadSnapshot[];
  removed: string[];
}

/**
 * The one API every transport speaks (in-process, Electron IPC, REST). Arguments are untrusted:
 * implementations validate them with the schemas and refuse with ApiRequestError.
 */
export interface DownloadsApi {
  list(): Promise<DownloadSnapshot[]>;
  get(id: string): Promise<DownloadSnapshot>;
  progress(id: string): Promise<ProgressReport>;
  add(request: AddRequest): Promise<DownloadSnapshot>;
  pause(id: string): Promise<DownloadSnapshot>;
  resume(id: string): Promise<DownloadSnapshot>;
  cancel(id: string): Promise<DownloadSnapshot>;
  restart(id: string): Promise<DownloadSnapshot>;
  changeSource(id: string, url: string): Promise<DownloadSnapshot>;
  /** This download's own speed limit in bytes per second; null lifts it. */
  setSpeedLimit(id: string, limit: number | null): Promise<DownloadSnapshot>;
  /** The attempt history of one download, oldest first (the details view). */
  attempts(id: string): Promise<AttemptRecord[]>;
  remove(id: string, options?: RemoveOptions): Promise<void>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  /** Batched: at most 10 calls a second, each with every download that changed since the last. */
  onChanged(listener: (change: DownloadsChange) => void): () => void;
}
