import { windowState } from '../../src-main/contract/time-windows.js';
import { useNow } from '../hooks/use-now.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';

/**
 * What the schedules do right now, on the toolbar: "Scheduled: starts at 01:00" while the queue
 * waits for its window, "Speed limited until 18:00" while the scheduled limit applies.
 */
export function ScheduleIndicator() {
  const settings = useDownloads((s) => s.settings);
  const now = useNow(15_000);
  const { t, clock } = useI18n();
  const queue = settings?.queue_schedule ?? null;
  const speed = settings?.speed_schedule ?? null;
  const queueState = queue === null ? null : windowState(queue, now);
  const speedState = speed === null ? null : windowState(speed, now);
  const parts: string[] = [];
  if (queueState !== null && !queueState.open) parts.push(queueState.next === null ? t('schedule.neverStarts') : t('schedule.startsAt', { time: clock(queueState.next, now) }));
  if (speedState?.open === true) parts.push(speedState.next === null ? t('schedule.speedLimited') : t('schedule.speedLimitedUntil', { time: clock(speedState.next, now) }));
  if (parts.length === 0) return null;
  return (
    <p className="toolbar__schedule" role="status" aria-label={t('schedule.label')}>
      {parts.map((part) => (
        <span key={part}>{part}</span>
      ))}
    </p>
  );
}
