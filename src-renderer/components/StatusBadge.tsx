import type { DownloadStatus } from '../../src-main/contract/downloads.js';
import { STATUS_LABELS } from '../../src-main/contract/format.js';

export function StatusBadge({ status }: { status: DownloadStatus }) {
  return <span className={`badge badge--${status}`}>{STATUS_LABELS[status]}</span>;
}
