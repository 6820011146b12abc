import type { DownloadsApi } from '../contract/api.js';
import { changes, offers } from '../contract/transitions.js';

/** Pause every download that is queued, running or waiting to retry (the menu's "Pause all"). */
export async function pauseAll(api: Pick<DownloadsApi, 'list' | 'pause'>): Promise<number> {
  const targets = (await api.list()).filter((s) => changes(s.status, 'pause'));
  await Promise.all(targets.map((s) => api.pause(s.id)));
  return targets.length;
}

/**
 * Resume every paused download (the menu's "Resume all"): those a row's Resume button offers.
 * Downloads waiting for a retry keep their countdown.
 */
export async function resumeAll(api: Pick<DownloadsApi, 'list' | 'resume'>): Promise<number> {
  const targets = (await api.list()).filter((s) => offers(s.status, 'resume'));
  await Promise.all(targets.map((s) => api.resume(s.id)));
  return targets.length;
}
