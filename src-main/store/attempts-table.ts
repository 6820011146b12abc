import type { Span, StoredStory } from '../engine/attempt-story.js';
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
     error_message = @error_message, stop_code = @stop_code, connection_retries = @connection_retries WHERE id = @id`,
  ).run({ ...end, id: attemptId });
  if (result.changes !== 1) throw new Error(`Attempt ${attemptId} does not exist`);
}

export function listAttempts(db: Db, downloadId: string): AttemptRow[] {
  return prepared(db, `SELECT id, download_id, number, started_at, ended_at, offset_from, offset_to, error_code, error_message, stop_code,
     connection_retries FROM attempts WHERE download_id = ? ORDER BY id`).all(downloadId) as AttemptRow[];
}

/** Replaces the attempt's story (its spans and speed so far); a few kilobytes at most. */
export function saveAttemptStory(db: Db, attemptId: number, story: StoredStory): void {
  prepared(db, 'UPDATE attempts SET story = ? WHERE id = ?').run(JSON.stringify(story), attemptId);
}

/** Each attempt's story by attempt id; attempts recorded before stories were kept have none. */
export function listAttemptStories(db: Db, downloadId: string): Map<number, StoredStory> {
  const rows = prepared(db, 'SELECT id, story FROM attempts WHERE download_id = ? AND story IS NOT NULL').all(downloadId) as {
    id: number;
    story: string;
  }[];
  const stories = new Map<number, StoredStory>();
  for (const row of rows) {
    const story = parseStory(row.story);
    if (story !== null) stories.set(row.id, story);
  }
  return stories;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** A story read back from the database, or null when the row holds none or something else. */
export function parseStory(json: string): StoredStory | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  const story = value as Partial<StoredStory> | null;
  const spansOk =
    Array.isArray(story?.spans) &&
    story.spans.every((s: Partial<Span>) => isCount(s.connection) && isCount(s.start) && isCount(s.end) && s.start < s.end);
  const speed = story?.speed;
  const speedOk = speed !== undefined && isCount(speed.every_ms) && speed.every_ms > 0 && Array.isArray(speed.bytes) && speed.bytes.every(isCount);
  return spansOk && speedOk && isCount(story.spans_omitted) ? (story as StoredStory) : null;
}
