import { describeSource, type DownloadSnapshot } from '../contract/downloads.js';
import { formatBytes, formatDuration } from '../contract/format.js';

/** One terminal line telling where a download stands; `now` drives the retry countdown. */
export function progressLine(snapshot: DownloadSnapshot, now: number): string {
  const done = Number(snapshot.downloaded_bytes);
  const total = snapshot.total_bytes === null ? null : Number(snapshot.total_bytes);
  const { current_attempt, max_attempts, next_retry_at } = snapshot.retry_info;
  const parts = [snapshot.filename];
  parts.push(snapshot.progress === null ? '--%' : `${snapshot.progress}%`);
  parts.push(total === null ? formatBytes(done) : `${formatBytes(done)} of ${formatBytes(total)}`);
  if (snapshot.status === 'downloading') {
    parts.push(`${formatBytes(snapshot.speed)}/s`);
    if (snapshot.eta_seconds !== null) parts.push(`ETA ${formatDuration(snapshot.eta_seconds)}`);
  }
  parts.push(`attempt ${current_attempt} of ${max_attempts}`);
  if (snapshot.status === 'retrying' && next_retry_at !== null) {
    const seconds = Math.max(0, Math.ceil((Date.parse(next_retry_at) - now) / 1000));
    parts.push(`${snapshot.error_message ?? 'failed'}; retrying in ${seconds} s`);
  } else if (snapshot.status !== 'downloading') {
    parts.push(snapshot.status);
  }
  return parts.join('  ');
}

/**
 * Where several downloads stand, on one terminal line: how many ended, the speed of all, and the
 * running one nearest its end ("2 of 5 done · 1 failed · 3.2 MB/s · next: file.iso 45%").
 */
export function summaryLine(snapshots: readonly DownloadSnapshot[]): string {
  const count = (...statuses: DownloadSnapshot['status'][]) => snapshots.filter((s) => statuses.includes(s.status)).length;
  const parts = [`${count('completed')} of ${snapshots.length} done`];
  for (const [label, n] of [
    ['failed', count('failed', 'cancelled')],
    ['retrying', count('retrying')],
    ['paused', count('paused')],
  ] as const) {
    if (n > 0) parts.push(`${n} ${label}`);
  }
  const running = snapshots.filter((s) => s.status === 'downloading');
  if (running.length > 0) {
    parts.push(`${formatBytes(running.reduce((sum, s) => sum + s.speed, 0))}/s`);
    const next = running.reduce((best, s) => ((s.progress ?? -1) > (best.progress ?? -1) ? s : best));
    parts.push(`next: ${next.filename} ${next.progress === null ? '--' : next.progress}%`);
  }
  return parts.join(' · ');
}

/** The last words of a run; `named` (one of several) says which download a line is about when its path does not. */
export function outcomeLine(snapshot: DownloadSnapshot, named = false): string {
  const line = outcome(snapshot);
  return named && snapshot.status !== 'completed' ? `${describeSource(snapshot.source)}: ${line}` : line;
}

function outcome(snapshot: DownloadSnapshot): string {
  switch (snapshot.status) {
    case 'completed': {
      const retries = snapshot.failed_count === 0 ? '' : ` after ${snapshot.failed_count} failed attempt${snapshot.failed_count === 1 ? '' : 's'}`;
      return `Saved ${snapshot.path} (${formatBytes(Number(snapshot.downloaded_bytes))})${retries}`;
    }
    case 'paused':
      return `Paused at ${formatBytes(Number(snapshot.downloaded_bytes))}. Run the same command again to resume.`;
    default:
      return `Download ${snapshot.status}: ${snapshot.error_message ?? 'no error recorded'}`;
  }
}
