import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';

export function EmptyState() {
  const openDialog = useDownloads((s) => s.openDialog);
  const { t } = useI18n();
  return (
    <div className="empty">
      <p className="empty__title">{t('empty.title')}</p>
      <p>{t('empty.text')}</p>
      <button className="primary" onClick={() => openDialog({ kind: 'add' })}>
        {t('empty.add')}
      </button>
    </div>
  );
}
