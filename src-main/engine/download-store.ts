import type { DownloadSource, DownloadStatus } from '../contract/downloads.js';
import type { NoticeCode, StopCode } from '../contract/notice-codes.js';
import type { StoredStory } from './attempt-story.js';
import type { Segment } from './segments.js';

/** One row of `downloads` (ARCHITECTURE.md §6) as the engine sees it; times are epoch milliseconds. */
export interface DownloadRecord {
  id: string;
  source: DownloadSource;
  filename: string;
  /** True when the user named the file: a server's Content-Disposition must not override it. */
  filename_from_user: boolean;
  dest_dir: string;
  status: DownloadStatus;
  total_bytes: number | null;
  /** The durable offset: bytes fsync'ed to the partial file (ARCHITECTURE.md §5). */
  downloaded_bytes: number;
  failed_count: number;
  max_attempts: number;
  next_retry_at: number | null;
  error_code: string | null;
  error_message: string | null;
  notice: string | null;
  /** Set and cleared with `notice` (ARCHITECTURE.md §7 "Languages"); null for notices recorded before codes. */
  notice_code: NoticeCode | null;
  etag: string | null;
  last_modified: string | null;
  expected_sha256: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  /** Bytes per second for this download alone, or null (the global limit still applies). */
  speed_limit: number | null;
  /**
   * Its server was caught mishandling byte ranges (ARCHITECTURE.md §5): it is fetched over one
   * connection from then on, across restarts of the app.
   */
  one_connection: boolean;
  /**
   * The partial file this download created, as `device:inode:birth time` (ARCHITECTURE.md §4
   * "File names"), or null before it has one. Only that file is ever written, truncated or deleted
   * under its name: a file or link put there by anyone else is left alone.
   */
  partial_file: string | null;
  /**
   * The user started it (Resume, Restart, Start now) while the queue's schedule was closed: it runs
   * outside the window until paused, across restarts of the app (ARCHITECTURE.md §2 "Schedules").
   */
  started_by_hand: boolean;
}

/** A new download as `add` creates it: queued, nothing known of the server yet. */
export function newDownloadRecord(fields: {
  id: string;
  source: DownloadSource;
  filename: string;
  filenameFromUser: boolean;
  destDir: string;
  maxAttempts: number;
  sha256: string | null;
  speedLimit: number | null;
  now: number;
}): DownloadRecord {
  return {
    id: fields.id,
    source: fields.source,
    filename: fields.filename,
    filename_from_user: fields.filenameFromUser,
    dest_dir: fields.destDir,
    status: 'queued',
    total_bytes: null,
    downloaded_bytes: 0,
    failed_count: 0,
    max_attempts: fields.maxAttempts,
    next_retry_at: null,
    error_code: null,
    error_message: null,
    notice: null,
    notice_code: null,
    etag: null,
    last_modified: null,
    expected_sha256: fields.sha256,
    created_at: fields.now,
    updated_at: fields.now,
    completed_at: null,
    speed_limit: fields.speedLimit,
    one_connection: false,
    partial_file: null,
    started_by_hand: false,
  };
}

export type DownloadPatch = Partial<Omit<DownloadRecord, 'id' | 'created_at'>>;

export interface AttemptRow {
  id: number;
  download_id: string;
  number: number;
  started_at: number;
  ended_at: number | null;
  offset_from: number;
  offset_to: number | null;
  error_code: string | null;
  error_message: string | null;
  /** Why it stopped without an error (`error_message` then holds the English words), else null. */
  stop_code: StopCode | null;
  /** Times one of its connections failed and reconnected while the others went on (ARCHITECTURE.md §5). */
  connection_retries: number;
}

export type AttemptEnd = Pick<AttemptRow, 'ended_at' | 'offset_to' | 'error_code' | 'error_message' | 'stop_code' | 'connection_retries'>;

/** The most connections a host was found to allow, and when (epoch ms): old findings are forgotten. */
export interface HostLimit {
  max_connections: number;
  learned_at: number;
}

/** The persistence the engine needs; store/ implements it with SQLite. */
export interface DownloadStore {
  transaction<T>(work: () => T): T;
  listDownloads(): DownloadRecord[];
  insertDownload(record: DownloadRecord): void;
  /**
   * The patch and, when `segments` is given, the download's whole list of byte ranges, written
   * together or not at all: after a crash the durable offset and the ranges still agree.
   */
  saveDownload(id: string, patch: DownloadPatch, segments?: readonly Segment[]): void;
  deleteDownload(id: string): void;
  startAttempt(attempt: Omit<AttemptRow, 'id' | keyof AttemptEnd>): number;
  endAttempt(attemptId: number, end: AttemptEnd): void;
  listAttempts(downloadId: string): AttemptRow[];
  /** What the attempt wrote where, and how fast, so far (the details view's picture). */
  saveAttemptStory(attemptId: number, story: StoredStory): void;
  /** The stories of a download's attempts, by attempt id; attempts without one are absent. */
  listAttemptStories(downloadId: string): Map<number, StoredStory>;
  /** The byte ranges of a segmented download (none for a single-connection one). */
  listSegments(downloadId: string): Segment[];
  /** What was learned of a host's connection limit (`host` as in messages: name and port), if anything. */
  hostLimit(host: string): HostLimit | null;
  saveHostLimit(host: string, limit: HostLimit): void;
  /** Stored settings as key → parsed JSON; the engine validates and applies defaults. */
  readSettings(): Record<string, unknown>;
  writeSettings(values: Record<string, unknown>): void;
}
