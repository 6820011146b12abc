import { memo } from 'react';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { formatBytes, formatDuration } from '../../src-main/contract/format.js';
import { type DownloadAction, offers, primaryAction } from '../../src-main/contract/transitions.js';
import { useApi } from '../api/api-context.js';
import { useAction } from '../hooks/use-action.js';
import { sourceLabel, useDownloads } from '../state/downloads-store.js';
import { ProgressBar } from './ProgressBar.js';
import { RetryCountdown } from './RetryCountdown.js';
import { StatusBadge } from './StatusBadge.js';

/** "4 connections", or with a learned limit "2 connections — the server allows 2". */
function connectionsText(s: DownloadSnapshot): string {
  const count = `${s.connections} connection${s.connections === 1 ? '' : 's'}`;
  return s.connection_limit === null ? count : `${count} — the server allows ${s.connection_limit}`;
}

function sizeText(s: DownloadSnapshot): string {
  const done = formatBytes(Number(s.downloaded_bytes));
  return s.total_bytes === null ? done : `${done} of ${formatBytes(Number(s.total_bytes))}`;
}

/** One download: what happened to it, at a glance, and what can be done about it now. */
interface RowProps {
  id: string;
  /** Where the virtual list places this row. */
  top: number;
  height: number;
  position: number;
  of: number;
}

export const DownloadRow = memo(function DownloadRow({ id, top, height, position, of }: RowProps) {
  const s = useDownloads((state) => state.byId[id]);
  const openDialog = useDownloads((state) => state.openDialog);
  const showDetails = useDownloads((state) => state.showDetails);
  const api = useApi();
  const run = useAction();
  if (s === undefined) return null;
  const { status } = s;
  const attemptShown = s.failed_count > 0 || status === 'retrying' || status === 'failed';
  const offered = (action: DownloadAction) => offers(status, action);
  // A link that no longer gives the file: a fresh one continues it, so it comes first and stands out.
  const freshLink = primaryAction(status, s.error_code) === 'changeSource';
  const changeLink = (
    <button className={freshLink ? 'primary' : undefined} onClick={() => openDialog({ kind: 'change-link', id })}>
      Change link
    </button>
  );
  return (
    <div
      role="listitem"
      aria-label={s.filename}
      aria-setsize={of}
      aria-posinset={position}
      className="row"
      style={{ transform: `translateY(${top}px)`, height: height - 8 }}
    >
      <div className="row__head">
        <span className="row__name" title={s.path}>
          {s.filename}
        </span>
        <span className="row__source">{sourceLabel(s)}</span>
        <StatusBadge status={status} />
      </div>
      <ProgressBar value={s.progress} label={`Progress of ${s.filename}`} status={status} />
      <div className="row__facts">
        <span>{sizeText(s)}</span>
        {status === 'downloading' && <span>{formatBytes(s.speed)}/s</span>}
        {status === 'downloading' && s.eta_seconds !== null && <span>ETA {formatDuration(s.eta_seconds)}</span>}
        {status === 'downloading' && (s.connections > 1 || s.connection_limit !== null) && <span>{connectionsText(s)}</span>}
        {attemptShown && (
          <span className="row__attempt">
            Attempt {s.retry_info.current_attempt} of {s.retry_info.max_attempts}
          </span>
        )}
        {status === 'retrying' && s.waiting_for_network && <span className="countdown">Waiting for network</span>}
        {status === 'retrying' && !s.waiting_for_network && s.retry_info.next_retry_at !== null && (
          <RetryCountdown at={s.retry_info.next_retry_at} />
        )}
      </div>
      {s.error_message !== null && status !== 'completed' && (
        <div className="row__error" title={s.error_message}>
          {s.error_message}
        </div>
      )}
      {s.notice !== null && (
        <div className="row__notice" title={s.notice}>
          {s.notice}
        </div>
      )}
      <div className="row__actions">
        {freshLink && changeLink}
        {offered('pause') && <button onClick={() => run(() => api.pause(id))}>Pause</button>}
        {offered('resume') && <button onClick={() => run(() => api.resume(id))}>Resume</button>}
        {offered('restart') && <button onClick={() => run(() => api.restart(id))}>Restart</button>}
        {offered('changeSource') && !freshLink && changeLink}
        {offered('cancel') && <button onClick={() => run(() => api.cancel(id))}>Cancel</button>}
        {status === 'completed' && api.desktop !== null && (
          <>
            <button onClick={() => run(() => api.desktop!.openFile(id))}>Open</button>
            <button onClick={() => run(() => api.desktop!.showInFolder(id))}>Show in folder</button>
          </>
        )}
        {offered('remove') && <button onClick={() => openDialog({ kind: 'remove', id })}>Remove</button>}
        <button onClick={() => showDetails(id)}>Details</button>
      </div>
    </div>
  );
});
