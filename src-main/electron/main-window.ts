import { BrowserWindow, screen, session } from 'electron';
import { type Bounds, restoreBounds, saveBounds } from './window-state.js';
import { CONTENT_SECURITY_POLICY, windowOptions } from './window-options.js';

/**
 * The downloads window. It may not navigate away, open windows, or be granted permissions, and
 * its page gets our CSP header; its size and place are remembered.
 */
export function createMainWindow(pageUrl: string, preloadPath: string, boundsFile: string): BrowserWindow {
  const workAreas: Bounds[] = screen.getAllDisplays().map((display) => display.workArea);
  const window = new BrowserWindow(windowOptions(preloadPath, restoreBounds(boundsFile, workAreas)));
  const { webContents } = window;
  webContents.on('will-navigate', (event) => event.preventDefault());
  webContents.on('will-attach-webview', (event) => event.preventDefault());
  webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  window.once('ready-to-show', () => window.show());
  window.on('close', () => saveBounds(boundsFile, window.getNormalBounds()));
  void window.loadURL(pageUrl);
  return window;
}
