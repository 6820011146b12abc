import { EventEmitter } from 'node:events';
import type { InvokeEventLike, IpcMainLike } from '../../src-main/electron/ipc-handlers.js';
import type { IpcRendererLike } from '../../src-preload/bridge.js';

/**
 * ipcMain and ipcRenderer joined in memory, as Electron joins them across processes: values are
 * structured-cloned both ways (class instances arrive as plain objects, functions cannot pass),
 * and every call carries the sender frame's URL.
 */
export function ipcPair(frameUrl: string) {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const toRenderer = new EventEmitter();
  const frame = { url: frameUrl };
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  const ipcRenderer: IpcRendererLike = {
    async invoke(channel, ...args) {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler({ senderFrame: frame }, ...structuredClone(args)));
    },
    on(channel, listener) {
      toRenderer.on(channel, listener);
    },
    removeListener(channel, listener) {
      toRenderer.off(channel, listener);
    },
  };
  return {
    ipcMain,
    ipcRenderer,
    frame,
    channels: () => [...handlers.keys()],
    /** webContents.send from the main process. */
    send: (channel: string, payload: unknown) => toRenderer.emit(channel, {}, structuredClone(payload)),
  };
}
