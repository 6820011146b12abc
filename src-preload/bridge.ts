import type { DownloadsChange } from '../src-main/contract/api.js';
import { API_METHODS, CHANGED_CHANNEL, channelOf, type DownloadsBridge } from '../src-main/contract/bridge.js';

/** The part of Electron's ipcRenderer the bridge uses (a plain-Node pair stands in for tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Exactly the contract for the page: one function per method, the change event with an
 * unsubscribe, and the two file actions. Never ipcRenderer itself, so the page cannot reach any
 * other channel.
 */
export function createBridge(ipc: IpcRendererLike): DownloadsBridge {
  const methods = Object.fromEntries(
    API_METHODS.map((method) => [method, (...args: unknown[]) => ipc.invoke(channelOf(method), ...args)]),
  );
  return {
    ...methods,
    openFile: (id: string) => ipc.invoke(channelOf('openFile'), id),
    showInFolder: (id: string) => ipc.invoke(channelOf('showInFolder'), id),
    onChanged(listener: (change: DownloadsChange) => void) {
      const forward = (_event: unknown, change: unknown) => listener(change as DownloadsChange);
      ipc.on(CHANGED_CHANNEL, forward);
      return () => {
        ipc.removeListener(CHANGED_CHANNEL, forward);
      };
    },
  } as DownloadsBridge;
}
