import { type AttemptRecord, type DownloadSnapshot, withoutCredentials } from '../contract/downloads.js';
import type { AttemptRow, DownloadRecord } from './download-store.js';
import { partialPath } from './partial-file.js';
import { join } from 'node:path';

/** What only the running attempt knows: bytes written but not yet durable, and the speed. */
export interface LiveProgress {
  bytes: number;
  speed: number;
  connections: number;
  connectionRetries: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** What the scheduler knows of a download beside its record. */
export interface SchedulerView {
  /** A due retry waits for the network (ARCHITECTURE.md §2). */
  waitingForNetwork: boolean;
  /** Queued while the queue's schedule is closed, and not started by hand (§2 "Schedules"). */
  waitingForSchedule: boolean;
  /** The connections its host allows, learned (§5), or null. */
  connectionLimit: number | null;
  /** The names of its request headers; the values stay in the secret store. */
  requestHeaders: readonly string[];
}

const NOTHING_MORE: SchedulerView = { waitingForNetwork: false, waitingForSchedule: false, connectionLimit: null, requestHeaders: [] };

export function toSnapshot(record: DownloadRecord, live: LiveProgress | null, now: number, view: Partial<SchedulerView> = {}): DownloadSnapshot {
  const { waitingForNetwork, waitingForSchedule, connectionLimit, requestHeaders } = { ...NOTHING_MORE, ...view };
  const bytes = live?.bytes ?? record.downloaded_bytes;
  const total = record.total_bytes;
  const speed = live?.speed ?? 0;
  const completed = record.status === 'completed';
  const progress =
    total === null ? (completed ? 100 : null) : total === 0 ? 100 : Math.floor((bytes * 100) / total);
  const retrying = record.status === 'retrying' && record.next_retry_at !== null;
  return {
    id: record.id,
    source: record.source.kind === 'http' ? { kind: 'http', url: withoutCredentials(record.source.url) } : record.source,
    filename: record.filename,
    dest_dir: record.dest_dir,
    path: completed ? join(record.dest_dir, record.filename) : partialPath(record.dest_dir, record.filename),
    status: record.status,
    progress,
    downloaded_bytes: String(bytes),
    total_bytes: total === null ? null : String(total),
    speed,
    eta_seconds: speed > 0 && total !== null ? Math.ceil((total - bytes) / speed) : null,
    failed_count: record.failed_count,
    error_code: record.error_code,
    error_message: record.error_message,
    notice: record.notice,
    notice_code: record.notice_code,
    expected_sha256: record.expected_sha256,
    speed_limit: record.speed_limit,
    waiting_for_network: waitingForNetwork,
    waiting_for_schedule: waitingForSchedule,
    connections: live?.connections ?? 0,
    connection_retries: live?.connectionRetries ?? 0,
    connection_limit: connectionLimit,
    request_headers: [...requestHeaders],
    retry_info: {
      // A failed download's attempt is the one that failed last; any other's is the next one.
      current_attempt:
        record.status === 'failed'
          ? Math.max(1, Math.min(record.failed_count, record.max_attempts))
          : Math.min(record.failed_count + 1, record.max_attempts),
      max_attempts: record.max_attempts,
      next_retry_at: retrying ? iso(record.next_retry_at!) : null,
      next_retry_in: retrying ? Math.max(0, Math.ceil((record.next_retry_at! - now) / 1000)) : null,
    },
    created_at: iso(record.created_at),
    updated_at: iso(record.updated_at),
    completed_at: record.completed_at === null ? null : iso(record.completed_at),
  };
}

export function toAttemptRecord(row: AttemptRow): AttemptRecord {
  return {
    number: row.number,
    started_at: iso(row.started_at),
    ended_at: row.ended_at === null ? null : iso(row.ended_at),
    offset_from: String(row.offset_from),
    offset_to: row.offset_to === null ? null : String(row.offset_to),
    error_code: row.error_code,
    error_message: row.error_message,
    stop_code: row.stop_code,
    connection_retries: row.connection_retries,
  };
}
