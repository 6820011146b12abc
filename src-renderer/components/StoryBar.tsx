import { useState } from 'react';
import type { DownloadHistory } from '../../src-main/contract/history.js';
import { useI18n } from '../i18n/use-i18n.js';
import { attemptLine, type Ending, endingOf, endingText, ENDING_MARK, spanText, totalOf } from '../story.js';

interface Drawn {
  key: string;
  attempt: number;
  connection: number;
  start: number;
  end: number;
  ending: Ending;
  /** The connection's last span in a run that did not complete: where it stopped. */
  cut: boolean;
  text: string;
}

/**
 * The story at a glance (ARCHITECTURE.md §3): a bar the width of the file in which each attempt's
 * colour marks the bytes each of its connections fetched, and a red (failed) or grey (stopped)
 * edge where it ended. Hovering or focusing a part names its attempt, bytes, time and error; the
 * same facts are a text list, always there for screen readers and shown on demand.
 */
export function StoryBar({ history, active }: { history: DownloadHistory; active: boolean }) {
  const [shown, setShown] = useState<Drawn | null>(null);
  const i18n = useI18n();
  const { t } = i18n;
  const [asText, setAsText] = useState(false);
  const total = totalOf(history);
  const endings = history.attempts.map((attempt, index) => endingOf(attempt, index === history.attempts.length - 1, active));
  const drawn: Drawn[] = history.attempts.flatMap((attempt, index) => {
    const ending = endings[index]!;
    return attempt.spans.map((span, spanIndex) => {
      const later = attempt.spans.slice(spanIndex + 1).some((other) => other.connection === span.connection);
      return {
        key: `${index}-${spanIndex}`,
        attempt: attempt.number,
        connection: span.connection,
        start: Number(span.start),
        end: Number(span.end),
        ending,
        cut: !later && (ending === 'failed' || ending === 'stopped' || ending === 'cut'),
        text: `${spanText(attempt, span, total, i18n)}; ${ENDING_MARK[ending]} ${endingText(attempt, ending, i18n)}`,
      };
    });
  });
  const width = total ?? Math.max(1, ...drawn.map((d) => d.end));
  const percent = (bytes: number) => `${(bytes / width) * 100}%`;
  if (history.attempts.length === 0) return null;
  return (
    <div className="story">
      <h3 className="story__title">{t('story.title')}</h3>
      <div className="story__bar" role="group" aria-label={t('story.bar')}>
        {drawn.map((d) => (
          <span
            key={d.key}
            className={`story__span story__span--a${((d.attempt - 1) % 6) + 1}${d.cut ? ` story__span--${d.ending}` : ''}`}
            style={{ left: percent(d.start), width: percent(d.end - d.start) }}
            tabIndex={0}
            role="img"
            aria-label={d.text}
            title={d.text}
            data-attempt={d.attempt}
            data-connection={d.connection}
            data-start={d.start}
            data-end={d.end}
            onMouseEnter={() => setShown(d)}
            onFocus={() => setShown(d)}
          />
        ))}
      </div>
      <p className="story__caption">{shown?.text ?? t('story.hint')}</p>
      <button className="story__toggle" aria-expanded={asText} aria-controls="story-text" onClick={() => setAsText(!asText)}>
        {asText ? t('story.hideText') : t('story.showText')}
      </button>
      <ol id="story-text" className={asText ? 'story__list' : 'story__list visually-hidden'} aria-label={t('story.asText')}>
        {history.attempts.map((attempt, index) => (
          <li key={index}>
            {attemptLine(attempt, endings[index]!, total, i18n)}
            {attempt.connection_retries > 0 && t('story.connectionRetries', { count: attempt.connection_retries })}
            {attempt.spans.length > 0 && (
              <ul>
                {attempt.spans.map((span, spanIndex) => (
                  <li key={spanIndex}>{spanText(attempt, span, total, i18n)}</li>
                ))}
                {attempt.spans_omitted > 0 && <li>{t('story.rangesOmitted', { count: attempt.spans_omitted })}</li>}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
