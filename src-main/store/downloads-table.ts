import type { DownloadSource, DownloadStatus } from '../contract/downloads.js';
import type { NoticeCode } from '../contract/notice-codes.js';
import type { DownloadPatch, DownloadRecord } from '../engine/download-store.js';
import type { Db } from './database.js';
import { prepared } from './statements.js';

interface DownloadRow {
  id: string;
  source: string;
  filename: string;
  filename_from_user: number;
  dest_dir: string;
  status: string;
  total_bytes: number | null;
  downloaded_bytes: number;
  failed_count: number;
  max_attempts: number;
  next_retry_at: number | null;
  error_code: string | null;
  error_message: string | null;
  notice: string | null;
  notice_code: NoticeCode | null;
  etag: string | null;
  last_modified: string | null;
  expected_sha256: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  speed_limit: number | null;
  one_connection: number;
  partial_file: string | null;
  started_by_hand: number;
}

const COLUMNS = [
  'id', 'source', 'filename', 'filename_from_user', 'dest_dir', 'status', 'total_bytes',
  'downloaded_bytes', 'failed_count', 'max_attempts', 'next_retry_at', 'error_code',
  'error_message', 'notice', 'etag', 'last_modified', 'expected_sha256', 'created_at',
  'updated_at', 'completed_at', 'speed_limit', 'one_connection', 'partial_file', 'notice_code',
  'started_by_hand',
] as const satisfies readonly (keyof DownloadRow)[];
const UPDATABLE = new Set<string>(COLUMNS.filter((c) => c !== 'id' && c !== 'created_at'));
const INSERT_DOWNLOAD = `INSERT INTO downloads (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`;

function rowToDownload(row: DownloadRow): DownloadRecord {
  return {
    ...row,
    source: JSON.parse(row.source) as DownloadSource,
    filename_from_user: row.filename_from_user === 1,
    one_connection: row.one_connection === 1,
    started_by_hand: row.started_by_hand === 1,
    status: row.status as DownloadStatus,
  };
}

function toColumns(values: DownloadPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (key === 'source') out[key] = JSON.stringify(value);
    else if (key === 'filename_from_user' || key === 'one_connection' || key === 'started_by_hand') out[key] = value ? 1 : 0;
    else out[key] = value;
  }
  return out;
}

export function listDownloads(db: Db): DownloadRecord[] {
  const rows = prepared(db, 'SELECT * FROM downloads ORDER BY created_at, rowid').all() as DownloadRow[];
  return rows.map(rowToDownload);
}

export function getDownload(db: Db, id: string): DownloadRecord | undefined {
  const row = prepared(db, 'SELECT * FROM downloads WHERE id = ?').get(id) as DownloadRow | undefined;
  return row && rowToDownload(row);
}

export function insertDownload(db: Db, record: DownloadRecord): void {
  prepared(db, INSERT_DOWNLOAD).run(toColumns(record));
}

export function updateDownload(db: Db, id: string, patch: DownloadPatch): void {
  const values = toColumns(patch);
  const keys = Object.keys(values);
  for (const key of keys) {
    if (!UPDATABLE.has(key)) throw new Error(`downloads.${key} cannot be updated`);
  }
  if (keys.length === 0) return;
  // One cached statement per set of columns, so the SQL is built (cheap) but compiled once.
  const result = prepared(db, `UPDATE downloads SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({
    ...values,
    id,
  });
  if (result.changes !== 1) throw new Error(`Download ${id} does not exist`);
}

export function deleteDownload(db: Db, id: string): void {
  prepared(db, 'DELETE FROM downloads WHERE id = ?').run(id);
}
