import type { BrowserWindowConstructorOptions } from 'electron';
import { type Bounds, DEFAULT_SIZE } from './window-state.js';

/**
 * Electron's security checklist for the one window: an isolated, sandboxed renderer without
 * Node, web security on, no remote content (the page is our own file), nothing experimental.
 */
export function windowOptions(preloadPath: string, bounds: Bounds | null): BrowserWindowConstructorOptions {
  return {
    ...(bounds ?? DEFAULT_SIZE),
    minWidth: 560,
    minHeight: 360,
    title: 'Steadfast',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** Sent with our page (on top of its meta tag): nothing but our own files and no framing. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
