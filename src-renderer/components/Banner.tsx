import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';

/** Says when the engine is out of reach (it clears itself on reconnect), and why an action failed. */
export function Banner() {
  const connected = useDownloads((s) => s.connected);
  const notice = useDownloads((s) => s.notice);
  const setNotice = useDownloads((s) => s.setNotice);
  const { t } = useI18n();
  return (
    <>
      {!connected && (
        <div role="alert" className="banner banner--offline">
          {t('banner.offline')}
        </div>
      )}
      {notice !== null && (
        <div role="status" className="banner banner--notice">
          <span>{notice}</span>
          <button onClick={() => setNotice(null)} aria-label={t('banner.dismiss')}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
