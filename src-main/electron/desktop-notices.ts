import type { DownloadsChange } from '../contract/api.js';
import type { DownloadSnapshot, DownloadStatus } from '../contract/downloads.js';
import { isActive } from '../contract/transitions.js';

export interface Notice {
  title: string;
  body: string;
}

/**
 * Turns change batches into OS notifications: one when a download completes, one when it
 * finally fails. Only transitions count, so downloads that were already finished when the app
 * started stay quiet.
 */
export function createNoticeWatcher(initial: DownloadSnapshot[]): (change: DownloadsChange) => Notice[] {
  const last = new Map<string, DownloadStatus>(initial.map((s) => [s.id, s.status]));
  return ({ snapshots, removed }) => {
    const notices: Notice[] = [];
    for (const id of removed) last.delete(id);
    for (const s of snapshots) {
      const before = last.get(s.id);
      last.set(s.id, s.status);
      if (before === s.status) continue;
      if (s.status === 'completed') notices.push({ title: 'Download complete', body: s.filename });
      if (s.status === 'failed') notices.push({ title: 'Download failed', body: `${s.filename}: ${s.error_message ?? 'unknown error'}` });
    }
    return notices;
  };
}

/**
 * The taskbar/dock progress over every active download of known size: bytes done over bytes in
 * all, or -1 (no bar) when nothing is active, as BrowserWindow.setProgressBar expects.
 */
export function overallProgress(snapshots: Iterable<DownloadSnapshot>): number {
  let done = 0;
  let total = 0;
  for (const s of snapshots) {
    if (!isActive(s.status) || s.total_bytes === null) continue;
    done += Number(s.downloaded_bytes);
    total += Number(s.total_bytes);
  }
  return total === 0 ? -1 : Math.min(1, done / total);
}
