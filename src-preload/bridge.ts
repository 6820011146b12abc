import type { DownloadsChange } from '../src-main/contract/api.js';
import { CHANGED_CHANNEL, channelOf, type DownloadsBridge } from '../src-main/contract/bridge.js';
import { generateMethods, METHOD_NAMES } from '../src-main/contract/methods.js';

/** The part of Electron's ipcRenderer the bridge uses (a plain-Node pair stands in for tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Exactly the contract for the page: one function per method of the table (the desktop file
 * actions included) and the change event with an unsubscribe. Never ipcRenderer itself, so the
 * page cannot reach any other channel.
 */
export function createBridge(ipc: IpcRendererLike): DownloadsBridge {
  return {
    ...generateMethods(METHOD_NAMES, (method) => (...args) => ipc.invoke(channelOf(method), ...args)),
    onChanged(listener: (change: DownloadsChange) => void) {
      const forward = (_event: unknown, change: unknown) => listener(change as DownloadsChange);
      ipc.on(CHANGED_CHANNEL, forward);
      return () => {
        ipc.removeListener(CHANGED_CHANNEL, forward);
      };
    },
  } as DownloadsBridge;
}
