import type { DownloadsApi, DownloadsChange } from './api.js';
import type { ApiError } from './error-codes.js';

/** Every result that crosses Electron IPC: a value, or the refusal as plain data. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Channel names of DESIGN.md §7: `downloads:<method>`, and one for the change event. */
export const channelOf = (method: ApiMethod | 'openFile' | 'showInFolder'): string => `downloads:${method}`;
export const CHANGED_CHANNEL = 'downloads:changed';

/** The request/response methods of the contract, in the order the preload exposes them. */
export const API_METHODS = [
  'list',
  'get',
  'progress',
  'add',
  'pause',
  'resume',
  'cancel',
  'restart',
  'changeSource',
  'setSpeedLimit',
  'attempts',
  'remove',
  'getSettings',
  'updateSettings',
] as const satisfies readonly (keyof DownloadsApi)[];
export type ApiMethod = (typeof API_METHODS)[number];

type Enveloped<F> = F extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<Envelope<R>> : never;

/**
 * What the desktop preload puts on `window.steadfast`: one function per contract method
 * (results in envelopes, since Electron's IPC loses error classes), the change event, and the
 * desktop-only file actions, which take ids so the renderer never names a path.
 */
export type DownloadsBridge = { [M in ApiMethod]: Enveloped<DownloadsApi[M]> } & {
  onChanged(listener: (change: DownloadsChange) => void): () => void;
  openFile(id: string): Promise<Envelope<void>>;
  showInFolder(id: string): Promise<Envelope<void>>;
};
