import { useNow } from '../hooks/use-now.js';

/** "Retrying in 4 s", counted down here from next_retry_at: the engine does not tick. */
export function RetryCountdown({ at }: { at: string }) {
  const now = useNow(250);
  const seconds = Math.max(0, Math.ceil((Date.parse(at) - now) / 1000));
  return <span className="countdown">{seconds > 0 ? `Retrying in ${seconds} s` : 'Retrying now…'}</span>;
}
