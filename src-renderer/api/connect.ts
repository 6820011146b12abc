import type { DownloadsBridge } from '../../src-main/contract/bridge.js';
import { bridgeDownloadsApi } from './bridge-api.js';
import { httpDownloadsApi } from './http-api.js';
import type { UiApi } from './ui-api.js';

const TOKEN_KEY = 'steadfast-token';

/**
 * The desktop app's bridge when the preload provided one; otherwise the headless server, with
 * the token from the address `steadfast serve` printed (`#token=…`). The token then leaves the
 * address bar (and so screenshots and bookmarks) and lives in this tab's session storage.
 */
export function connect(): UiApi | null {
  const bridge = (window as { steadfast?: DownloadsBridge }).steadfast;
  if (bridge !== undefined) return bridgeDownloadsApi(bridge);
  const fromAddress = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromAddress !== null) {
    sessionStorage.setItem(TOKEN_KEY, fromAddress);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  const token = fromAddress ?? sessionStorage.getItem(TOKEN_KEY);
  return token === null ? null : httpDownloadsApi(token);
}
