import type { DownloadSnapshot, DownloadStatus } from './downloads.js';
import { formatSeconds } from './format.js';

/** The exact shape of `GET /api/downloads/:id/progress` (ARCHITECTURE.md §7). */
export interface ProgressReport {
  id: string;
  status: DownloadStatus;
  progress: number | null;
  downloaded_bytes: string;
  failed_count: number;
  error_message: string | null;
  retry_info: {
    current_attempt: number;
    max_attempts: number;
    /** "4 seconds" while a retry is pending, else null. */
    next_retry_in: string | null;
  };
}

export function toProgressReport(snapshot: DownloadSnapshot): ProgressReport {
  const { next_retry_in } = snapshot.retry_info;
  return {
    id: snapshot.id,
    status: snapshot.status,
    progress: snapshot.progress,
    downloaded_bytes: snapshot.downloaded_bytes,
    failed_count: snapshot.failed_count,
    error_message: snapshot.error_message,
    retry_info: {
      current_attempt: snapshot.retry_info.current_attempt,
      max_attempts: snapshot.retry_info.max_attempts,
      next_retry_in: next_retry_in === null ? null : formatSeconds(next_retry_in),
    },
  };
}
