import { linkProblem } from '../contract/download-list.js';
import { withoutCredentials } from '../contract/downloads.js';

/** The part of Electron's clipboard the watch reads (a stand-in in tests). */
export interface ClipboardLike {
  readText(): string;
}

/** How often the desktop app looks at the clipboard while the watch is on. */
export const CLIPBOARD_POLL_MS = 1000;
/** Links already offered, remembered so that copying one again does not offer it again. */
const REMEMBERED = 200;

/** The copied text as one link to offer: a single http(s) or s3 link and nothing else, else null. */
export function copiedLink(text: string): string | null {
  const link = text.trim();
  if (link === '' || /\s/.test(link)) return null;
  return linkProblem(link) === null ? link : null;
}

export interface ClipboardWatchOptions {
  clipboard: ClipboardLike;
  /** The user's `watch_clipboard` setting, read at each look: off means the clipboard is not read at all. */
  enabled(): Promise<boolean>;
  /** Whether the list already has a download of this link (as shown: without credentials). */
  known(link: string): boolean;
  offer(link: string): void;
}

/**
 * One look at the clipboard per call; the app calls it every CLIPBOARD_POLL_MS (Electron has no
 * clipboard event). A link is offered when it is copied while the watch is on: not what was
 * on the clipboard when the app started or the watch was turned on, not a link already offered
 * or already in the list, and nothing while the watch is off.
 */
export function createClipboardWatch(options: ClipboardWatchOptions): () => Promise<void> {
  /** The text seen at the last look while on; null while off, so turning on takes a fresh baseline. */
  let last: string | null = null;
  const offered = new Set<string>();
  return async () => {
    if (!(await options.enabled())) {
      last = null;
      return;
    }
    const text = options.clipboard.readText();
    const before = last;
    last = text;
    if (before === null || text === before) return;
    const link = copiedLink(text);
    if (link === null || offered.has(link) || options.known(withoutCredentials(link))) return;
    offered.add(link);
    if (offered.size > REMEMBERED) offered.delete(offered.values().next().value!);
    options.offer(link);
  };
}
