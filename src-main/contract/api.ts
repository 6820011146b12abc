import type { DownloadSnapshot } from './downloads.js';
import type { ApiMethod, DesktopMethod, MethodName, Params, ParsedParams, Result } from './methods.js';

/** One batch of changes: the new snapshot of each changed download, and the ids removed. */
export interface DownloadsChange {
  snapshots: DownloadSnapshot[];
  removed: string[];
}

/** The table's methods as callers see them: arguments as sent, not yet checked. */
export type Calls<M extends MethodName> = { [K in M]: (...args: Params<K>) => Promise<Result<K>> };
/** The table's methods as implementations see them: arguments already checked by their schemas. */
export type ParsedCalls<M extends MethodName> = { [K in M]: (...args: ParsedParams<K>) => Promise<Result<K>> };

interface ChangeEvents {
  /** Batched: at most 10 calls a second, each with every download that changed since the last. */
  onChanged(listener: (change: DownloadsChange) => void): () => void;
}

/**
 * The one API every transport speaks (in-process, Electron IPC, REST), as the method table
 * (methods.ts) describes it. Arguments are untrusted: validatingApi checks them with the table's
 * schemas and refuses with ApiRequestError before an implementation sees them.
 */
export interface DownloadsApi extends Calls<ApiMethod>, ChangeEvents {}

/** What the engine implements: the same methods, over arguments validatingApi has parsed. */
export interface EngineApi extends ParsedCalls<ApiMethod>, ChangeEvents {}

/** The desktop app's file actions, as the page calls them. */
export type DesktopActions = Calls<DesktopMethod>;
/** The desktop app's file actions, as the main process implements them. */
export type DesktopFileActions = ParsedCalls<DesktopMethod>;
