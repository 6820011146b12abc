import { BrowserWindow } from 'electron';
import { join } from 'node:path';

/**
 * The downloads window with Electron's security guidance applied: an isolated, sandboxed
 * renderer without Node, which may not navigate away or open new windows.
 */
export function createMainWindow(outDir: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1000,
    height: 700,
    title: 'Steadfast',
    webPreferences: {
      preload: join(outDir, 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void window.loadFile(join(outDir, 'renderer', 'index.html'));
  return window;
}
