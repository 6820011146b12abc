import { useEffect, useState } from 'react';
import { describeSource } from '../../src-main/contract/downloads.js';
import { formatBytes } from '../../src-main/contract/format.js';
import type { DownloadHistory } from '../../src-main/contract/history.js';
import { useApi } from '../api/api-context.js';
import { useDownloads } from '../state/downloads-store.js';
import { DetailsActions } from './DetailsActions.js';
import { SpeedGraph } from './SpeedGraph.js';
import { StoryBar } from './StoryBar.js';

const time = (iso: string) => new Date(iso).toLocaleTimeString();
const bytes = (from: string, to: string | null) =>
  `${formatBytes(Number(from))} → ${to === null ? '…' : formatBytes(Number(to))}`;
/** While an attempt runs, its story grows: read it again this often. */
const LIVE_REFRESH_MS = 2000;

/** A download's story: where it comes from, where it goes, and every attempt with its error. */
export function DetailsPanel({ id }: { id: string }) {
  const api = useApi();
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
    <section className="details" role="region" aria-label={`Details of ${s.filename}`}>
      <header className="details__head">
        <h2>{s.filename}</h2>
        <button onClick={close} aria-label="Close details">
          ×
        </button>
      </header>
      <dl className="details__facts">
        <dt>Source</dt>
        <dd>{describeSource(s.source)}</dd>
        <dt>Saved as</dt>
        <dd>{s.path}</dd>
        <dt>Size</dt>
        <dd>{s.total_bytes === null ? 'unknown' : formatBytes(Number(s.total_bytes))}</dd>
        {s.request_headers.length > 0 && (
          <>
            <dt title="Sent with every request to this server; the values are kept in the secret store and never shown">Request headers</dt>
            <dd>{s.request_headers.join(', ')}</dd>
          </>
        )}
        {s.expected_sha256 !== null && (
          <>
            <dt>SHA-256</dt>
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
            <th>Attempt</th>
            <th>Started</th>
            <th>Bytes</th>
            <th title="Times one connection failed and reconnected while the others went on: not attempts">Connection retries</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((attempt, index) => (
            <tr key={index}>
              <td>{attempt.number}</td>
              <td>{time(attempt.started_at)}</td>
              <td>{bytes(attempt.offset_from, attempt.offset_to)}</td>
              <td>{attempt.connection_retries}</td>
              <td>{attempt.error_message ?? (attempt.ended_at === null ? 'running' : '—')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
