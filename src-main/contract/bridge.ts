import type { DownloadsChange } from './api.js';
import type { ApiError } from './error-codes.js';
import type { MethodName, Params, Result } from './methods.js';

/** Every result that crosses Electron IPC: a value, or the refusal as plain data. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Channel names (docs/ARCHITECTURE.md §7): `downloads:<method>`, and one for the change event. */
export const channelOf = (method: MethodName): string => `downloads:${method}`;
export const CHANGED_CHANNEL = 'downloads:changed';
/** The desktop app offers a link the user copied (the opt-in clipboard watch). */
export const CLIPBOARD_LINK_CHANNEL = 'desktop:clipboard-link';

/**
 * What the desktop preload puts on `window.steadfast`: one function per method of the table,
 * the desktop-only file actions included (results in envelopes, since Electron's IPC loses
 * error classes), the change event and the clipboard watch's offers.
 */
export type DownloadsBridge = { [M in MethodName]: (...args: Params<M>) => Promise<Envelope<Result<M>>> } & {
  onChanged(listener: (change: DownloadsChange) => void): () => void;
  onClipboardLink(listener: (link: string) => void): () => void;
};
