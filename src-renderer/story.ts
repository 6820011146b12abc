import type { AttemptRecord } from '../src-main/contract/downloads.js';
import type { AttemptHistory, DownloadHistory } from '../src-main/contract/history.js';
import { type CodeKind, errorLine } from './i18n/engine-error.js';
import type { I18n } from './i18n/translate.js';

/** How an attempt ended, as the picture and the text list tell it. */
export type Ending = 'running' | 'completed' | 'failed' | 'stopped' | 'cut';

/** Marks the UI's fonts have everywhere (an emoji font often is missing on Linux). */
export const ENDING_MARK: Record<Ending, string> = { running: '…', completed: '✓', failed: '✗', stopped: '‖', cut: '⚠' };

/**
 * A run with no end time is the one running now, or one a crash or a kill cut (its row was never
 * closed; the next start resumed from its last checkpoint).
 */
export function endingOf(attempt: AttemptHistory, isLast: boolean, active: boolean): Ending {
  if (attempt.ended_at === null) return isLast && active ? 'running' : 'cut';
  if (attempt.error_code !== null) return 'failed';
  return attempt.error_message === null ? 'completed' : 'stopped';
}

/** The code an attempt's end is said by: its error's, else why it stopped (null for rows from before stop codes). */
export function endCode(attempt: AttemptRecord): { code: string | null; kind: CodeKind } {
  return attempt.error_code !== null ? { code: attempt.error_code, kind: 'download' } : { code: attempt.stop_code, kind: 'stop' };
}

export function endingText(attempt: AttemptHistory, ending: Ending, i18n: I18n): string {
  const { t, time } = i18n;
  switch (ending) {
    case 'running':
      return t('story.runningSince', { time: time(attempt.started_at) });
    case 'cut':
      return t('story.cut', { time: time(attempt.started_at) });
    case 'completed':
      return t('story.completedAt', { time: time(attempt.ended_at!) });
    default: {
      const { code, kind } = endCode(attempt);
      return t(ending === 'failed' ? 'story.failedAt' : 'story.stoppedAt', {
        time: time(attempt.ended_at!),
        error: errorLine(code, attempt.error_message ?? '', i18n, kind),
      });
    }
  }
}

/** "60 %" against a known size, else the byte count. */
export function position(bytes: string | null, total: number | null, i18n: I18n): string {
  if (bytes === null) return '…';
  const value = Number(bytes);
  return total === null || total === 0 ? i18n.bytes(value) : i18n.t('story.percent', { percent: Math.floor((value / total) * 100) });
}

/** One span as a sentence: the same words for the bar's hover and focus as for the list. */
export function spanText(attempt: AttemptHistory, span: AttemptHistory['spans'][number], total: number | null, i18n: I18n): string {
  const where = { attempt: attempt.number, connection: span.connection, from: i18n.bytes(Number(span.start)), to: i18n.bytes(Number(span.end)) };
  if (total === null) return i18n.t('story.span', where);
  return i18n.t('story.spanShare', { ...where, fromShare: position(span.start, total, i18n), toShare: position(span.end, total, i18n) });
}

/** The seed's "Attempt 1: 0 → 60 % ❌" line, with when and why it ended. */
export function attemptLine(attempt: AttemptHistory, ending: Ending, total: number | null, i18n: I18n): string {
  const progress = i18n.t('story.attempt', {
    attempt: attempt.number,
    from: position(attempt.offset_from, total, i18n),
    to: position(attempt.offset_to, total, i18n),
  });
  return `${progress} ${ENDING_MARK[ending]} ${endingText(attempt, ending, i18n)}`;
}

export interface SpeedPoint {
  /** Epoch ms at the middle of the window. */
  at: number;
  bytesPerSecond: number;
}

/** Each attempt's speed as points in time; the last window counts only the time it really ran. */
export function speedPoints(attempt: AttemptHistory, now: number): SpeedPoint[] {
  if (attempt.speed === null) return [];
  const { every_ms, bytes } = attempt.speed;
  const started = Date.parse(attempt.started_at);
  const ended = attempt.ended_at === null ? now : Date.parse(attempt.ended_at);
  return bytes.map((count, index) => {
    const from = started + index * every_ms;
    const width = Math.max(Math.min(every_ms, ended - from), 1);
    return { at: from + width / 2, bytesPerSecond: (count * 1000) / width };
  });
}

export const totalOf = (history: DownloadHistory): number | null => (history.total_bytes === null ? null : Number(history.total_bytes));
