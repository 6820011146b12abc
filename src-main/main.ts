// Electron composition root. The engine is wired in here by the desktop issue; until then the
// window shows the renderer's shell.
import { app } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMainWindow } from './electron/main-window.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');

void app.whenReady().then(() => createMainWindow(outDir));
app.on('window-all-closed', () => app.quit());
