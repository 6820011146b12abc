import type { DownloadStatus } from '../../src-main/contract/downloads.js';

const LABEL: Record<DownloadStatus, string> = {
  queued: 'Queued',
  downloading: 'Downloading',
  retrying: 'Retrying',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function StatusBadge({ status }: { status: DownloadStatus }) {
  return <span className={`badge badge--${status}`}>{LABEL[status]}</span>;
}
