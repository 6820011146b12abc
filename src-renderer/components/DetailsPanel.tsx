import { useEffect, useState } from 'react';
import { describeSource } from '../../src-main/contract/downloads.js';
import type { DownloadHistory } from '../../src-main/contract/history.js';
import { useApi } from '../api/api-context.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';
import { endCode } from '../story.js';
import { DetailsActions } from './DetailsActions.js';
import { EngineText } from './EngineText.js';
import { SpeedGraph } from './SpeedGraph.js';
import { StoryBar } from './StoryBar.js';

/** While an attempt runs, its story grows: read it again this often. */
const LIVE_REFRESH_MS = 2000;

/** A download's story: where it comes from, where it goes, and every attempt with its error. */
export function DetailsPanel({ id }: { id: string }) {
  const api = useApi();
  const { t, bytes, time } = useI18n();
  const s = useDownloads((state) => state.byId[id]);
  const close = () => useDownloads.getState().showDetails(null);
  const [history, setHistory] = useState<DownloadHistory>({ total_bytes: null, attempts: [] });
  const [now, setNow] = useState(() => Date.now());
  // Refetch when an attempt starts or ends: those are the moments the history changes.
  const moment = s ? `${s.status} ${s.failed_count}` : '';
  const running = s?.status === 'downloading';
  useEffect(() => {
    let live = true;
    const load = () =>
      api.history(id).then(
        (story) => {
          if (!live) return;
          setHistory(story);
          setNow(Date.now());
        },
        () => undefined,
      );
    void load();
    const timer = running ? setInterval(() => void load(), LIVE_REFRESH_MS) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, id, moment, running]);
  if (s === undefined) return null;
  const { attempts } = history;
  return (
    <section className="details" role="region" aria-label={t('details.region', { name: s.filename })}>
      <header className="details__head">
        <h2>{s.filename}</h2>
        <button onClick={close} aria-label={t('details.close')}>
          ×
        </button>
      </header>
      <dl className="details__facts">
        <dt>{t('details.source')}</dt>
        <dd>{describeSource(s.source)}</dd>
        <dt>{t('details.savedAs')}</dt>
        <dd>{s.path}</dd>
        <dt>{t('details.size')}</dt>
        <dd>{s.total_bytes === null ? t('details.sizeUnknown') : bytes(Number(s.total_bytes))}</dd>
        {s.request_headers.length > 0 && (
          <>
            <dt title={t('details.headersHint')}>{t('details.headers')}</dt>
            <dd>{s.request_headers.join(', ')}</dd>
          </>
        )}
        {s.expected_sha256 !== null && (
          <>
            <dt>{t('details.sha256')}</dt>
            <dd className="mono">{s.expected_sha256}</dd>
          </>
        )}
      </dl>
      <DetailsActions download={s} />
      <StoryBar history={history} active={running} />
      <SpeedGraph history={history} active={running} now={now} />
      <table className="details__attempts">
        <thead>
          <tr>
            <th>{t('attempts.attempt')}</th>
            <th>{t('attempts.started')}</th>
            <th>{t('attempts.bytes')}</th>
            <th title={t('attempts.connectionRetriesHint')}>{t('attempts.connectionRetries')}</th>
            <th>{t('attempts.error')}</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((attempt, index) => (
            <tr key={index}>
              <td>{attempt.number}</td>
              <td>{time(attempt.started_at)}</td>
              <td>{`${bytes(Number(attempt.offset_from))} → ${attempt.offset_to === null ? '…' : bytes(Number(attempt.offset_to))}`}</td>
              <td>{attempt.connection_retries}</td>
              <td className="details__error">
                {attempt.error_message !== null ? (
                  <EngineText {...endCode(attempt)} message={attempt.error_message} />
                ) : attempt.ended_at === null ? (
                  t('attempts.running')
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
