import { useCallback } from 'react';
import { useI18n } from '../i18n/use-i18n.js';
import { errorText } from '../i18n/ui-error.js';
import { useDownloads } from '../state/downloads-store.js';

/** Runs a user action; a refusal (or an unreachable engine) becomes the notice the UI shows. */
export function useAction() {
  const setNotice = useDownloads((s) => s.setNotice);
  const i18n = useI18n();
  return useCallback(
    async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        setNotice(errorText(error, i18n));
      }
    },
    [setNotice, i18n],
  );
}
