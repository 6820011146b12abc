import type { AttemptRecord } from './downloads.js';

/** Bytes [start, end) of the file written by one response of one connection (1-based). */
export interface HistorySpan {
  connection: number;
  start: string;
  end: string;
}

/** One attempt with what it fetched where, and how fast (the details view's picture). */
export interface AttemptHistory extends AttemptRecord {
  spans: HistorySpan[];
  /** Spans the engine counted but did not keep (it keeps 200 per attempt). */
  spans_omitted: number;
  /**
   * Bytes received in each `every_ms` window from `started_at`; null for attempts recorded
   * before this was kept.
   */
  speed: { every_ms: number; bytes: number[] } | null;
}

/** A download's story: every attempt, oldest first, with the file's size to draw them against. */
export interface DownloadHistory {
  total_bytes: string | null;
  attempts: AttemptHistory[];
}
