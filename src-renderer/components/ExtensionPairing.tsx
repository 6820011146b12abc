import { useCallback, useEffect, useState } from 'react';
import type { ExtensionPairingState } from '../../src-main/contract/extension-pairing.js';
import { useApi } from '../api/api-context.js';
import { useNow } from '../hooks/use-now.js';

/** "K7QM2XPD" as Settings shows it: "K7QM-2XPD". */
const grouped = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * Settings' "Browser extension" part (ARCHITECTURE.md §7 "Browser extension"): who is paired,
 * a one-time code for the extension's options page, and Revoke. While a code waits, the state is
 * read every second, so the dialog shows the pairing as soon as the extension used the code.
 */
export function ExtensionPairing() {
  const api = useApi();
  const [state, setState] = useState<ExtensionPairingState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(1000);

  const run = useCallback(async (work: () => Promise<ExtensionPairingState>) => {
    try {
      setState(await work());
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, []);

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
  return (
    <section className="extension-pairing" aria-labelledby="extension-pairing-title">
      <h3 id="extension-pairing-title">Browser extension</h3>
      {state?.origin ? (
        <p className="extension-pairing__state">
          Paired with <span className="mono">{state.origin}</span>
          {state.paired_at !== null && ` since ${new Date(state.paired_at).toLocaleString()}`}
        </p>
      ) : (
        <p className="form__hint">
          No extension is paired. The extension hands the browser’s downloads to Steadfast, with their cookies; it is
          admitted only at its own address, with a token of its own.
        </p>
      )}
      {waiting && (
        <p className="extension-pairing__code" role="status">
          Type <strong className="mono">{grouped(state.code!)}</strong> in the extension’s options (valid for{' '}
          {Math.floor(secondsLeft / 60)}:{String(secondsLeft % 60).padStart(2, '0')}).
        </p>
      )}
      {error !== null && (
        <p role="alert" className="form__errors">
          {error}
        </p>
      )}
      <div className="form__buttons">
        {state?.origin && (
          <button type="button" className="danger" onClick={() => void run(async () => (await api.revokeExtension(), api.extensionPairing()))}>
            Revoke
          </button>
        )}
        <button type="button" onClick={() => void run(() => api.startExtensionPairing())}>
          {waiting ? 'Show a new code' : state?.origin ? 'Pair anew (replaces this one)' : 'Show a pairing code'}
        </button>
      </div>
    </section>
  );
}
