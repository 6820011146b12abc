import type { DownloadHistory } from '../contract/history.js';
import type { StoredStory } from './attempt-story.js';
import type { AttemptRow, DownloadRecord } from './download-store.js';
import { toAttemptRecord } from './snapshot.js';

/**
 * The `history` method's answer: the attempt rows with their stories. The running attempt's
 * story is `live` (the stored one lags until a response ends).
 */
export function downloadHistory(
  record: DownloadRecord,
  rows: readonly AttemptRow[],
  stories: ReadonlyMap<number, StoredStory>,
  live: StoredStory | null,
): DownloadHistory {
  const attempts = rows.map((row, index) => {
    const running = live !== null && index === rows.length - 1 && row.ended_at === null;
    const story = running ? live : (stories.get(row.id) ?? null);
    return {
      ...toAttemptRecord(row),
      spans: (story?.spans ?? []).map((s) => ({ connection: s.connection, start: String(s.start), end: String(s.end) })),
      spans_omitted: story?.spans_omitted ?? 0,
      speed: story === null ? null : story.speed,
    };
  });
  return { total_bytes: record.total_bytes === null ? null : String(record.total_bytes), attempts };
}
