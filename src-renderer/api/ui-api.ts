import type { DesktopActions, DownloadsApi } from '../../src-main/contract/api.js';

/** What the UI needs beyond the contract: whether the engine is reachable, and desktop file actions. */
export interface UiApi extends DownloadsApi {
  /** Called with false when the engine cannot be reached and true when it is back. */
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Present only in the desktop app. */
  desktop: DesktopUi | null;
  /**
   * Present only in the browser (`steadfast serve`): a short-lived address of a completed
   * download's file, for the browser to download (ARCHITECTURE.md §7 "File links").
   */
  fileLink: ((id: string) => Promise<string>) | null;
}

/** The desktop app's file actions, and the links its clipboard watch offers. */
export interface DesktopUi extends DesktopActions {
  onClipboardLink(listener: (link: string) => void): () => void;
}
