import type { DownloadsChange } from '../src-main/contract/api.js';
import { CHANGED_CHANNEL, channelOf, CLIPBOARD_LINK_CHANNEL, type DownloadsBridge } from '../src-main/contract/bridge.js';
import { generateMethods, METHOD_NAMES } from '../src-main/contract/methods.js';

/** The part of Electron's ipcRenderer the bridge uses (a plain-Node pair stands in for tests). */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** A listener on one event channel, and its unsubscribe; the page never sees the channel itself. */
function subscribe<T>(ipc: IpcRendererLike, channel: string, accepts: (payload: unknown) => payload is T, listener: (payload: T) => void) {
  const forward = (_event: unknown, payload: unknown) => {
    if (accepts(payload)) listener(payload);
  };
  ipc.on(channel, forward);
  return () => {
    ipc.removeListener(channel, forward);
  };
}

const isChange = (payload: unknown): payload is DownloadsChange => typeof payload === 'object' && payload !== null;
const isText = (payload: unknown): payload is string => typeof payload === 'string';

/**
 * Exactly the contract for the page: one function per method of the table (the desktop file
 * actions included), the change event and the clipboard watch's offers, each with an
 * unsubscribe. Never ipcRenderer itself, so the page cannot reach any other channel.
 */
export function createBridge(ipc: IpcRendererLike): DownloadsBridge {
  return {
    ...generateMethods(METHOD_NAMES, (method) => (...args) => ipc.invoke(channelOf(method), ...args)),
    onChanged: (listener: (change: DownloadsChange) => void) => subscribe(ipc, CHANGED_CHANNEL, isChange, listener),
    onClipboardLink: (listener: (link: string) => void) => subscribe(ipc, CLIPBOARD_LINK_CHANNEL, isText, listener),
  } as DownloadsBridge;
}
