import { useNow } from '../hooks/use-now.js';
import { useI18n } from '../i18n/use-i18n.js';

/** "Retrying in 4 s", counted down here from next_retry_at: the engine does not tick. */
export function RetryCountdown({ at }: { at: string }) {
  const now = useNow(250);
  const { t } = useI18n();
  const seconds = Math.max(0, Math.ceil((Date.parse(at) - now) / 1000));
  return <span className="countdown">{seconds > 0 ? t('row.retryingIn', { seconds }) : t('row.retryingNow')}</span>;
}
