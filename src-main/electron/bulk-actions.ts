import type { DownloadsApi } from '../contract/api.js';

/** Pause every download that is queued, running or waiting to retry (the menu's "Pause all"). */
export async function pauseAll(api: Pick<DownloadsApi, 'list' | 'pause'>): Promise<number> {
  const targets = (await api.list()).filter((s) => ['queued', 'downloading', 'retrying'].includes(s.status));
  await Promise.all(targets.map((s) => api.pause(s.id)));
  return targets.length;
}

/** Resume every paused download (the menu's "Resume all"). */
export async function resumeAll(api: Pick<DownloadsApi, 'list' | 'resume'>): Promise<number> {
  const targets = (await api.list()).filter((s) => s.status === 'paused');
  await Promise.all(targets.map((s) => api.resume(s.id)));
  return targets.length;
}
