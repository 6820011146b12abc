import type { Segment } from '../engine/segments.js';
import type { Db } from './database.js';
import { prepared } from './statements.js';

export function listSegments(db: Db, downloadId: string): Segment[] {
  return prepared(db, 'SELECT start, "end", done FROM segments WHERE download_id = ? ORDER BY start').all(downloadId) as Segment[];
}

/** All of a download's ranges at once: a split changes two rows, and both must land together. */
export function replaceSegments(db: Db, downloadId: string, segments: readonly Segment[]): void {
  const insert = prepared(db, 'INSERT INTO segments (download_id, start, "end", done) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    prepared(db, 'DELETE FROM segments WHERE download_id = ?').run(downloadId);
    for (const s of segments) insert.run(downloadId, s.start, s.end, s.done);
  })();
}
