import { memo } from 'react';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { type DownloadAction, offers, primaryAction } from '../../src-main/contract/transitions.js';
import { useApi } from '../api/api-context.js';
import { useAction } from '../hooks/use-action.js';
import { errorLine } from '../i18n/engine-error.js';
import type { I18n } from '../i18n/translate.js';
import { useI18n } from '../i18n/use-i18n.js';
import { sourceLabel, useDownloads } from '../state/downloads-store.js';
import { EngineText } from './EngineText.js';
import { ProgressBar } from './ProgressBar.js';
import { RetryCountdown } from './RetryCountdown.js';
import { StatusBadge } from './StatusBadge.js';

/** "4 connections", or with a learned limit "2 connections — the server allows 2". */
function connectionsText(s: DownloadSnapshot, { t }: I18n): string {
  const connections = t('row.connections', { count: s.connections });
  return s.connection_limit === null ? connections : t('row.connectionsLimited', { connections, limit: s.connection_limit });
}

function sizeText(s: DownloadSnapshot, { t, bytes }: I18n): string {
  const done = bytes(Number(s.downloaded_bytes));
  return s.total_bytes === null ? done : t('row.sizeOf', { done, total: bytes(Number(s.total_bytes)) });
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
  const i18n = useI18n();
  const { t } = i18n;
  if (s === undefined) return null;
  const { status } = s;
  const attemptShown = s.failed_count > 0 || status === 'retrying' || status === 'failed';
  const offered = (action: DownloadAction) => offers(status, action);
  // A link that no longer gives the file: a fresh one continues it, so it comes first and stands out.
  const freshLink = primaryAction(status, s.error_code) === 'changeSource';
  const changeLink = (
    <button className={freshLink ? 'primary' : undefined} onClick={() => openDialog({ kind: 'change-link', id })}>
      {t('action.changeLink')}
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
      <ProgressBar value={s.progress} label={t('row.progress', { name: s.filename })} status={status} />
      <div className="row__facts">
        <span>{sizeText(s, i18n)}</span>
        {status === 'downloading' && <span>{i18n.speed(s.speed)}</span>}
        {status === 'downloading' && s.eta_seconds !== null && <span>{t('row.eta', { duration: i18n.duration(s.eta_seconds) })}</span>}
        {status === 'downloading' && (s.connections > 1 || s.connection_limit !== null) && <span>{connectionsText(s, i18n)}</span>}
        {attemptShown && (
          <span className="row__attempt">
            {t('row.attempt', { current: s.retry_info.current_attempt, max: s.retry_info.max_attempts })}
          </span>
        )}
        {s.waiting_for_schedule && <span className="countdown">{t('row.waitingForSchedule')}</span>}
        {status === 'retrying' && s.waiting_for_network && <span className="countdown">{t('row.waitingForNetwork')}</span>}
        {status === 'retrying' && !s.waiting_for_network && s.retry_info.next_retry_at !== null && (
          <RetryCountdown at={s.retry_info.next_retry_at} />
        )}
      </div>
      {s.error_message !== null && status !== 'completed' && (
        <div className="row__error" title={errorLine(s.error_code, s.error_message, i18n)}>
          <EngineText code={s.error_code} message={s.error_message} />
        </div>
      )}
      {s.notice !== null && (
        <div className="row__notice" title={errorLine(s.notice_code, s.notice, i18n, 'notice')}>
          <EngineText code={s.notice_code} message={s.notice} kind="notice" />
        </div>
      )}
      <div className="row__actions">
        {freshLink && changeLink}
        {offered('pause') && <button onClick={() => run(() => api.pause(id))}>{t('action.pause')}</button>}
        {offered('resume') && <button onClick={() => run(() => api.resume(id))}>{t('action.resume')}</button>}
        {/* The schedule's hold is the only thing keeping it: the user may start it outside the window. */}
        {s.waiting_for_schedule && <button onClick={() => run(() => api.resume(id))}>{t('action.startNow')}</button>}
        {offered('restart') && <button onClick={() => run(() => api.restart(id))}>{t('action.restart')}</button>}
        {offered('changeSource') && !freshLink && changeLink}
        {offered('cancel') && <button onClick={() => run(() => api.cancel(id))}>{t('action.cancel')}</button>}
        {status === 'completed' && api.desktop !== null && (
          <>
            <button onClick={() => run(() => api.desktop!.openFile(id))}>{t('action.open')}</button>
            <button onClick={() => run(() => api.desktop!.showInFolder(id))}>{t('action.showInFolder')}</button>
          </>
        )}
        {offered('remove') && <button onClick={() => openDialog({ kind: 'remove', id })}>{t('action.remove')}</button>}
        <button onClick={() => showDetails(id)}>{t('action.details')}</button>
      </div>
    </div>
  );
});
