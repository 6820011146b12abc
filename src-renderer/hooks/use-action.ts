import { useCallback } from 'react';
import { useDownloads } from '../state/downloads-store.js';

/** Runs a user action; a refusal (or an unreachable engine) becomes the notice the UI shows. */
export function useAction() {
  const setNotice = useDownloads((s) => s.setNotice);
  return useCallback(
    async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        setNotice(error instanceof Error ? error.message : String(error));
      }
    },
    [setNotice],
  );
}
