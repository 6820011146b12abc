import { useEffect, useState } from 'react';
import { type AttemptRecord, describeSource } from '../../src-main/contract/downloads.js';
import { formatBytes } from '../../src-main/contract/format.js';
import { useApi } from '../api/api-context.js';
import { useDownloads } from '../state/downloads-store.js';

const time = (iso: string) => new Date(iso).toLocaleTimeString();
const bytes = (from: string, to: string | null) =>
  `${formatBytes(Number(from))} → ${to === null ? '…' : formatBytes(Number(to))}`;

/** A download's story: where it comes from, where it goes, and every attempt with its error. */
export function DetailsPanel({ id }: { id: string }) {
  const api = useApi();
  const s = useDownloads((state) => state.byId[id]);
  const close = () => useDownloads.getState().showDetails(null);
  const [attempts, setAttempts] = useState<AttemptRecord[]>([]);
  // Refetch when an attempt starts or ends: those are the moments the history changes.
  const moment = s ? `${s.status} ${s.failed_count}` : '';
  useEffect(() => {
    let live = true;
    api.attempts(id).then(
      (rows) => live && setAttempts(rows),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, id, moment]);
  if (s === undefined) return null;
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
