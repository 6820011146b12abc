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

/**
 * Binary multiples with the short names users know from browsers ("650 MB of 1 GB"), as a
 * rounded number and its unit, for front ends that write the number their own way.
 */
export function scaleBytes(bytes: number): { value: number; unit: string } {
  let value = bytes;
  let unit = 0;
  // Round first, then pick the unit, so 1048575 B reads "1 MB", never "1024 KB".
  while (unit < UNITS.length - 1 && Number(value.toFixed(digitsFor(unit, value))) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return { value: Number(value.toFixed(digitsFor(unit, value))), unit: UNITS[unit]! };
}

export function formatBytes(bytes: number): string {
  const { value, unit } = scaleBytes(bytes);
  return `${value} ${unit}`;
}

/** "1 second", "4 seconds": the progress API's wording for next_retry_in. */
export function formatSeconds(seconds: number): string {
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

/** An ETA's parts: seconds under a minute, minutes and seconds under an hour, else hours and minutes. */
export type DurationParts = { s: number } | { m: number; s: number } | { h: number; m: number };

export function splitDuration(seconds: number): DurationParts {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return { s };
  if (s < 3600) return { m: Math.floor(s / 60), s: s % 60 };
  return { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) };
}

/** Compact durations for ETAs: "45 s", "3 min 20 s", "2 h 5 min". */
export function formatDuration(seconds: number): string {
  const parts = splitDuration(seconds);
  if ('h' in parts) return `${parts.h} h ${parts.m} min`;
  if ('m' in parts) return `${parts.m} min ${parts.s} s`;
  return `${parts.s} s`;
}
