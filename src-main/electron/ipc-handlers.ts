import { ApiRequestError } from '../contract/api-error.js';
import type { DesktopFileActions, EngineApi } from '../contract/api.js';
import { channelOf, type Envelope } from '../contract/bridge.js';
import { arityOf, METHOD_NAMES, type MethodName, type UntypedMethod } from '../contract/methods.js';
import { validatingApi, validatingDesktop } from '../contract/validating-api.js';

/** The part of Electron's ipcMain the handlers use (a plain-Node pair stands in for tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** What an invoke event tells about its sender: the frame, which must be our window's page. */
export interface InvokeEventLike {
  senderFrame: { url: string } | null;
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
 * One `ipcMain.handle('downloads:<method>')` per method of the table, so the preload and the
 * main process cannot drift apart. Each call checks its sender frame and its arity; the
 * validating edge then checks the arguments themselves before the engine or the file actions
 * see them. Returns a function that removes every handler.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  engine: EngineApi,
  files: DesktopFileActions,
  isTrustedSender: (frame: { url: string } | null) => boolean,
): () => void {
  const calls = { ...validatingApi(engine), ...validatingDesktop(files) } as Record<MethodName, UntypedMethod>;
  for (const method of METHOD_NAMES) {
    const channel = channelOf(method);
    const [min, max] = arityOf(method);
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event.senderFrame)) return refuse('FORBIDDEN', 'Calls are accepted only from the Steadfast window');
      if (args.length < min || args.length > max) {
        return refuse('INVALID_ARGUMENT', `${channel} takes ${min === max ? min : `${min}–${max}`} argument(s), not ${args.length}`);
      }
      return envelope(() => calls[method](...args));
    });
  }
  return () => {
    for (const method of METHOD_NAMES) ipcMain.removeHandler(channelOf(method));
  };
}
