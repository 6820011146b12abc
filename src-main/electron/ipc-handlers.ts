import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadsApi } from '../contract/api.js';
import { API_METHODS, type ApiMethod, channelOf, type Envelope } from '../contract/bridge.js';

/** The part of Electron's ipcMain the handlers use (a plain-Node pair stands in for tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** What an invoke event tells about its sender: the frame, which must be our window's page. */
export interface InvokeEventLike {
  senderFrame: { url: string } | null;
}

/** How many arguments each channel's method takes, at least and at most: anything else is refused. */
export const IPC_ARITY: Record<ApiMethod | 'openFile' | 'showInFolder', [number, number]> = {
  list: [0, 0],
  get: [1, 1],
  progress: [1, 1],
  add: [1, 1],
  pause: [1, 1],
  resume: [1, 1],
  cancel: [1, 1],
  restart: [1, 1],
  changeSource: [2, 2],
  setSpeedLimit: [2, 2],
  attempts: [1, 1],
  remove: [1, 2],
  getSettings: [0, 0],
  updateSettings: [1, 1],
  openFile: [1, 1],
  showInFolder: [1, 1],
};

export interface DesktopFileActions {
  openFile(id: unknown): Promise<void>;
  showInFolder(id: unknown): Promise<void>;
}

const refuse = (code: 'FORBIDDEN' | 'INVALID_ARGUMENT', message: string): Envelope<never> => ({
  ok: false,
  error: { code, message },
});

async function envelope<T>(work: () => Promise<T>): Promise<Envelope<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiRequestError) return { ok: false, error: error.toJSON() };
    console.error('steadfast: IPC call failed:', error instanceof Error ? error.message : error);
    return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'Internal error; see the log' } };
  }
}

/**
 * One `ipcMain.handle('downloads:<method>')` per contract method, generated from the list so
 * the preload and the main process cannot drift apart. Each call checks its sender frame and
 * its arity; the engine validates the arguments themselves with the contract's schemas.
 * Returns a function that removes every handler.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  api: DownloadsApi,
  files: DesktopFileActions,
  isTrustedSender: (frame: { url: string } | null) => boolean,
): () => void {
  const channels: string[] = [];
  const handle = (channel: string, arity: [number, number], call: (args: unknown[]) => Promise<unknown>) => {
    channels.push(channel);
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event.senderFrame)) return refuse('FORBIDDEN', 'Calls are accepted only from the Steadfast window');
      if (args.length < arity[0] || args.length > arity[1]) {
        return refuse('INVALID_ARGUMENT', `${channel} takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]}–${arity[1]}`} argument(s), not ${args.length}`);
      }
      return envelope(() => call(args));
    });
  };
  for (const method of API_METHODS) {
    handle(channelOf(method), IPC_ARITY[method], (args) =>
      (api[method] as (...values: unknown[]) => Promise<unknown>).apply(api, args),
    );
  }
  handle(channelOf('openFile'), IPC_ARITY.openFile, ([id]) => files.openFile(id));
  handle(channelOf('showInFolder'), IPC_ARITY.showInFolder, ([id]) => files.showInFolder(id));
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
