import type { DownloadHistory } from '../../src-main/contract/history.js';
import { useI18n } from '../i18n/use-i18n.js';
import { endingOf, speedPoints } from '../story.js';

const W = 400;
const H = 60;

/**
 * Speed over the download's whole life: one filled curve per attempt, the waits between them
 * empty, and a line where each attempt ended (red when it failed).
 */
export function SpeedGraph({ history, active, now }: { history: DownloadHistory; active: boolean; now: number }) {
  const { t, speed, duration } = useI18n();
  const attempts = history.attempts.filter((attempt) => attempt.speed !== null);
  if (attempts.length === 0) return null;
  const curves = attempts.map((attempt) => speedPoints(attempt, now));
  const start = Date.parse(attempts[0]!.started_at);
  const ends = attempts.map((attempt) => (attempt.ended_at === null ? now : Date.parse(attempt.ended_at)));
  const end = Math.max(start + 1000, ...ends);
  const peak = Math.max(1, ...curves.flat().map((point) => point.bytesPerSecond));
  const received = attempts.reduce((sum, attempt) => sum + attempt.speed!.bytes.reduce((a, b) => a + b, 0), 0);
  const busyMs = attempts.reduce((sum, attempt, index) => sum + Math.max(ends[index]! - Date.parse(attempt.started_at), 1), 0);
  const x = (at: number) => ((at - start) / (end - start)) * W;
  const y = (speed: number) => H - (speed / peak) * (H - 4);
  const summary = t('speed.summary', {
    duration: duration((end - start) / 1000),
    peak: speed(Math.round(peak)),
    average: speed(Math.round((received * 1000) / busyMs)),
  });
  return (
    <figure className="speed">
      <svg className="speed__graph" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={summary}>
        {curves.map((points, index) => {
          const from = x(Date.parse(attempts[index]!.started_at));
          const to = x(ends[index]!);
          const line = points.map((point) => `${x(point.at).toFixed(1)},${y(point.bytesPerSecond).toFixed(1)}`).join(' ');
          return <polygon key={index} className="speed__area" points={`${from.toFixed(1)},${H} ${line} ${to.toFixed(1)},${H}`} />;
        })}
        {attempts.map((attempt, index) => {
          const ending = endingOf(attempt, index === attempts.length - 1, active);
          if (ending === 'running') return null;
          const at = x(ends[index]!).toFixed(1);
          return <line key={index} className={`speed__end speed__end--${ending}`} x1={at} x2={at} y1={0} y2={H} />;
        })}
      </svg>
      <figcaption className="speed__caption">{summary}</figcaption>
    </figure>
  );
}
