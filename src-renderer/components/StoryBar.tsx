import { useState } from 'react';
import type { DownloadHistory } from '../../src-main/contract/history.js';
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
        text: `${spanText(attempt, span, total)}; ${ENDING_MARK[ending]} ${endingText(attempt, ending)}`,
      };
    });
  });
  const width = total ?? Math.max(1, ...drawn.map((d) => d.end));
  const percent = (bytes: number) => `${(bytes / width) * 100}%`;
  if (history.attempts.length === 0) return null;
  return (
    <div className="story">
      <h3 className="story__title">Story</h3>
      <div className="story__bar" role="group" aria-label="Which bytes of the file each attempt and connection fetched">
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
      <p className="story__caption">{shown?.text ?? 'Hover or focus a part of the bar for its attempt, bytes, time and error.'}</p>
      <button className="story__toggle" aria-expanded={asText} aria-controls="story-text" onClick={() => setAsText(!asText)}>
        {asText ? 'Hide text' : 'Show as text'}
      </button>
      <ol id="story-text" className={asText ? 'story__list' : 'story__list visually-hidden'} aria-label="The story as text">
        {history.attempts.map((attempt, index) => (
          <li key={index}>
            {attemptLine(attempt, endings[index]!, total)}
            {attempt.connection_retries > 0 && `; ${attempt.connection_retries} connection retries`}
            {attempt.spans.length > 0 && (
              <ul>
                {attempt.spans.map((span, spanIndex) => (
                  <li key={spanIndex}>{spanText(attempt, span, total)}</li>
                ))}
                {attempt.spans_omitted > 0 && <li>and {attempt.spans_omitted} more ranges not kept</li>}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
