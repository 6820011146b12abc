import type { AttemptEnd, AttemptRow } from '../engine/download-store.js';
import type { Db } from './database.js';
import { prepared } from './statements.js';

export function startAttempt(db: Db, attempt: Omit<AttemptRow, 'id' | keyof AttemptEnd>): number {
  const result = prepared(
    db,
    `INSERT INTO attempts (download_id, number, started_at, offset_from)
     VALUES (@download_id, @number, @started_at, @offset_from)`,
  ).run(attempt);
  return Number(result.lastInsertRowid);
}

export function endAttempt(db: Db, attemptId: number, end: AttemptEnd): void {
  const result = prepared(
    db,
    `UPDATE attempts SET ended_at = @ended_at, offset_to = @offset_to, error_code = @error_code,
     error_message = @error_message, connection_retries = @connection_retries WHERE id = @id`,
  ).run({ ...end, id: attemptId });
  if (result.changes !== 1) throw new Error(`Attempt ${attemptId} does not exist`);
}

export function listAttempts(db: Db, downloadId: string): AttemptRow[] {
  return prepared(db, 'SELECT * FROM attempts WHERE download_id = ? ORDER BY id').all(downloadId) as AttemptRow[];
}
