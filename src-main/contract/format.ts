/** Formatting shared by every front end, so the CLI, the REST API and the UI say the same thing. */
import type { DownloadStatus } from './downloads.js';

/** A status as the UI's badges (and the browser extension's) name it. */
export const STATUS_LABELS: Record<DownloadStatus, string> = {
  queued: 'Queued',
  downloading: 'Downloading',
  retrying: 'Retrying',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

const digitsFor = (unit: number, value: number): number =>
  unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;

/** Binary multiples with the short names users know from browsers ("650 MB of 1 GB"). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // Round first, then pick the unit, so 1048575 B reads "1 MB", never "1024 KB".
  while (unit < UNITS.length - 1 && Number(value.toFixed(digitsFor(unit, value))) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${Number(value.toFixed(digitsFor(unit, value)))} ${UNITS[unit]}`;
}

/** "1 second", "4 seconds": the progress API's wording for next_retry_in. */
export function formatSeconds(seconds: number): string {
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

/** Compact durations for ETAs: "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
