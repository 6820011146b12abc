/**
 * The part of the WebExtension API (chrome.*, which Firefox also provides) the extension uses,
 * with the promise forms Manifest V3 gives. Written out rather than installed: it is small.
 */
declare namespace chrome {
  namespace runtime {
    interface MessageSender {
      tab?: tabs.Tab;
    }
    const id: string;
    function getURL(path: string): string;
    function getManifest(): { version: string };
    function openOptionsPage(): Promise<void>;
    function sendMessage(message: unknown): Promise<unknown>;
    const onMessage: Event<(message: unknown, sender: MessageSender) => void>;
    const onInstalled: Event<() => void>;
    const onStartup: Event<() => void>;
  }

  interface Event<Listener> {
    addListener(listener: Listener): void;
  }

  namespace tabs {
    interface Tab {
      id?: number;
      url?: string;
    }
  }

  namespace downloads {
    interface DownloadItem {
      id: number;
      url: string;
      finalUrl?: string;
      referrer: string;
      filename: string;
      mime: string;
      totalBytes: number;
      fileSize: number;
      state: 'in_progress' | 'interrupted' | 'complete';
      incognito: boolean;
    }
    interface FilenameSuggestion {
      filename: string;
    }
    /** Chromium only: the browser waits for `suggest` before it picks the path. */
    const onDeterminingFilename: Event<(item: DownloadItem, suggest: (suggestion?: FilenameSuggestion) => void) => boolean | void> | undefined;
    const onCreated: Event<(item: DownloadItem) => void>;
    function cancel(id: number): Promise<void>;
    function search(query: { id: number }): Promise<DownloadItem[]>;
    function removeFile(id: number): Promise<void>;
    function erase(query: { id: number }): Promise<number[]>;
  }

  namespace cookies {
    interface Cookie {
      name: string;
      value: string;
    }
    function getAll(details: { url: string }): Promise<Cookie[]>;
  }

  namespace contextMenus {
    interface OnClickData {
      menuItemId: string | number;
      linkUrl?: string;
      srcUrl?: string;
      pageUrl?: string;
      frameUrl?: string;
    }
    function create(properties: { id: string; title: string; contexts: string[] }): void;
    function removeAll(): Promise<void>;
    const onClicked: Event<(info: OnClickData, tab?: tabs.Tab) => void>;
  }

  namespace action {
    function setBadgeText(details: { text: string }): Promise<void>;
    function setBadgeBackgroundColor(details: { color: string }): Promise<void>;
    function setTitle(details: { title: string }): Promise<void>;
  }

  namespace storage {
    interface StorageArea {
      get(keys: string[]): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
    }
    const local: StorageArea;
    const onChanged: Event<(changes: Record<string, { newValue?: unknown }>, area: string) => void>;
  }
}
