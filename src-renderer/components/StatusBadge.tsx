import type { DownloadStatus } from '../../src-main/contract/downloads.js';
import { useI18n } from '../i18n/use-i18n.js';

export function StatusBadge({ status }: { status: DownloadStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge--${status}`}>{t(`status.${status}`)}</span>;
}
