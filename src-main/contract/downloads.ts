import type { NoticeCode, StopCode } from './notice-codes.js';

/** The states of ARCHITECTURE.md §2. */
export const DOWNLOAD_STATUSES = [
  'queued',
  'downloading',
  'retrying',
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
export type DownloadStatus = (typeof DOWNLOAD_STATUSES)[number];

/** Where a download's bytes come from. */
export interface HttpSource {
  kind: 'http';
  url: string;
}

/** An S3 object; region and endpoint fall back to the S3 settings when absent. */
export interface S3Source {
  kind: 's3';
  bucket: string;
  key: string;
  region?: string;
  endpoint?: string;
}

export type DownloadSource = HttpSource | S3Source;

/**
 * The address without its user name and password: what is stored and shown. Downloads added since
 * sign-ins became headers never keep them; this also covers rows saved before that.
 */
export function withoutCredentials(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username === '' && parsed.password === '') return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/** How a source is shown to people: a URL, or s3://bucket/key (never credentials). */
export function describeSource(source: DownloadSource): string {
  return source.kind === 'http' ? withoutCredentials(source.url) : `s3://${source.bucket}/${source.key}`;
}

export interface RetryInfo {
  /** The attempt running now or next (failed_count + 1, at most max_attempts); for a failed download, the last one. */
  current_attempt: number;
  max_attempts: number;
  /** ISO time of the next automatic attempt while status is `retrying`, else null. */
  next_retry_at: string | null;
  /** Whole seconds until next_retry_at (rounded up) at the snapshot's time, else null. */
  next_retry_in: number | null;
}

/**
 * Everything a front end shows about one download. Byte counts are decimal strings so that
 * 64-bit sizes survive JSON on every transport (ARCHITECTURE.md §6).
 */
export interface DownloadSnapshot {
  id: string;
  source: DownloadSource;
  filename: string;
  dest_dir: string;
  /** Absolute path of the finished file, or of the `.partial` while unfinished. */
  path: string;
  status: DownloadStatus;
  /** 0–100, whole percent; null while the total size is unknown. */
  progress: number | null;
  downloaded_bytes: string;
  total_bytes: string | null;
  /** Bytes per second over the last few seconds; 0 when not downloading. */
  speed: number;
  /** Seconds left at the current speed; null when unknown. */
  eta_seconds: number | null;
  failed_count: number;
  error_code: string | null;
  error_message: string | null;
  /** Something the user should know that is not an error, e.g. a restart from 0 because the file changed. */
  notice: string | null;
  /** The notice's code, for saying it in the window's language; null with no notice, or one recorded before codes. */
  notice_code: NoticeCode | null;
  expected_sha256: string | null;
  /** This download's own limit in bytes per second, or null. */
  speed_limit: number | null;
  /** Its retry is due, but the system reports no network: it waits rather than spend an attempt. */
  waiting_for_network: boolean;
  /**
   * Queued while the queue's schedule window is closed: it starts when the window opens, or at
   * once on Resume (the user's explicit start outranks the schedule).
   */
  waiting_for_schedule: boolean;
  /**
   * Connections fetching right now: several when the file is split into byte ranges, 1 for a
   * single stream, 0 when not downloading.
   */
  connections: number;
  /**
   * Times one connection of the running attempt failed and reconnected while the others went
   * on: connection retries, which are not attempts.
   */
  connection_retries: number;
  /** The most connections its server allows, when that was learned (a 503 to an extra one), else null. */
  connection_limit: number | null;
  /** The names of the request headers this download is sent with (Cookie, Referer, …); never their values. */
  request_headers: string[];
  retry_info: RetryInfo;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

/** One attempt in a download's history (the details view). */
export interface AttemptRecord {
  number: number;
  started_at: string;
  ended_at: string | null;
  offset_from: string;
  offset_to: string | null;
  error_code: string | null;
  error_message: string | null;
  /**
   * Why it stopped without an error and without completing (then `error_message` holds the
   * English words); null otherwise, and for attempts recorded before stop codes.
   */
  stop_code: StopCode | null;
  /** Times one of its connections failed and reconnected while the others went on. */
  connection_retries: number;
}
