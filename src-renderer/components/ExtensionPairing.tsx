import { useCallback, useEffect, useState } from 'react';
import type { ExtensionPairingState } from '../../src-main/contract/extension-pairing.js';
import { useApi } from '../api/api-context.js';
import { useNow } from '../hooks/use-now.js';
import { Rich } from '../i18n/Rich.js';
import { errorText } from '../i18n/ui-error.js';
import { useI18n } from '../i18n/use-i18n.js';

/** "K7QM2XPD" as Settings shows it: "K7QM-2XPD". */
const grouped = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * Settings' "Browser extension" part (ARCHITECTURE.md §7 "Browser extension"): each paired
 * extension with its own on/off switch and Revoke, and a one-time code for the next one. While a code waits, the state is
 * read every second, so the dialog shows the pairing as soon as the extension used the code.
 */
export function ExtensionPairing() {
  const api = useApi();
  const [state, setState] = useState<ExtensionPairingState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(1000);
  const i18n = useI18n();
  const { t } = i18n;

  const run = useCallback(async (work: () => Promise<ExtensionPairingState>) => {
    try {
      setState(await work());
      setError(null);
    } catch (failure) {
      setError(errorText(failure, i18n));
    }
  }, [i18n]);

  const waiting = state?.code !== null && state?.code !== undefined;
  useEffect(() => {
    void run(() => api.extensionPairing());
  }, [api, run]);
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => void run(() => api.extensionPairing()), 1000);
    return () => clearInterval(timer);
  }, [api, run, waiting]);

  const secondsLeft = state?.code_expires_at == null ? 0 : Math.max(0, Math.floor((state.code_expires_at - now) / 1000));
  const paired = state?.extensions ?? [];
  return (
    <section className="extension-pairing" aria-labelledby="extension-pairing-title">
      <h3 id="extension-pairing-title">{t('pairing.title')}</h3>
      {paired.length === 0 ? (
        <p className="form__hint">{t('pairing.none')}</p>
      ) : (
        <ul className="extension-pairing__list">
          {paired.map((extension) => (
            <li key={extension.id} aria-label={extension.origin}>
              <p className="extension-pairing__state">
                <Rich
                  parts={i18n.parts('pairing.pairedSince', {
                    origin: <span className="mono">{extension.origin}</span>,
                    date: i18n.dateTime(extension.paired_at),
                  })}
                />
              </p>
              <div className="extension-pairing__controls">
                <label className="form__check">
                  <input
                    type="checkbox"
                    checked={extension.accepting}
                    onChange={(event) => {
                      const accepting = event.target.checked;
                      void run(() => api.setExtensionAccepting(extension.id, { accepting }));
                    }}
                  />
                  {t('pairing.accepting')}
                </label>
                <button type="button" className="danger" onClick={() => void run(async () => (await api.revokeExtension(extension.id), api.extensionPairing()))}>
                  {t('pairing.revoke')}
                </button>
              </div>
              {!extension.accepting && <p className="form__hint">{t('pairing.paused')}</p>}
            </li>
          ))}
        </ul>
      )}
      {waiting && (
        <p className="extension-pairing__code" role="status">
          <Rich
            parts={i18n.parts('pairing.typeCode', {
              code: <strong className="mono">{grouped(state.code!)}</strong>,
              time: `${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, '0')}`,
            })}
          />
        </p>
      )}
      {error !== null && (
        <p role="alert" className="form__errors">
          {error}
        </p>
      )}
      <div className="form__buttons">
        <button type="button" onClick={() => void run(() => api.startExtensionPairing())}>
          {waiting ? t('pairing.newCode') : paired.length > 0 ? t('pairing.another') : t('pairing.start')}
        </button>
      </div>
    </section>
  );
}
