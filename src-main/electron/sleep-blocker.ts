import type { DownloadSnapshot } from '../contract/downloads.js';

/** The part of Electron's `powerSaveBlocker` used here, so the rule runs in Node with a stand-in. */
export interface PowerSaveBlockerLike {
  start(type: 'prevent-app-suspension'): number;
  stop(id: number): void;
}

/** The engine is working on it: moving bytes, or waiting for its retry (sleeping would cost that retry). */
const keepsAwake = (snapshot: Pick<DownloadSnapshot, 'status'>) => snapshot.status === 'downloading' || snapshot.status === 'retrying';

/**
 * Keeps the computer from sleeping while downloads are active and the `prevent_sleep` setting is
 * on; the display may still sleep. Queued downloads alone do not hold it awake: a queue waiting for
 * its schedule's window would otherwise keep the computer up all day. Returns the update to call
 * with every change; it says whether the computer is held awake.
 */
export function createSleepBlocker(blocker: PowerSaveBlockerLike) {
  let blockId: number | null = null;
  return (downloads: Iterable<Pick<DownloadSnapshot, 'status'>>, enabled: boolean): boolean => {
    const wanted = enabled && [...downloads].some(keepsAwake);
    if (wanted && blockId === null) blockId = blocker.start('prevent-app-suspension');
    if (!wanted && blockId !== null) {
      blocker.stop(blockId);
      blockId = null;
    }
    return wanted;
  };
}
