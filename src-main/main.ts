// Electron composition root: the engine, its store and the window, wired together.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, net, Notification, powerMonitor, powerSaveBlocker, safeStorage, session, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHANGED_CHANNEL, CLIPBOARD_LINK_CHANNEL } from './contract/bridge.js';
import { describeSource, type DownloadSnapshot } from './contract/downloads.js';
import { validatingApi } from './contract/validating-api.js';
import { DownloadManager } from './engine/download-manager.js';
import { createSourceFactory } from './sources/source-factory.js';
import { pauseAll, resumeAll } from './electron/bulk-actions.js';
import { CLIPBOARD_POLL_MS, createClipboardWatch } from './electron/clipboard-watch.js';
import { createNoticeWatcher, overallProgress } from './electron/desktop-notices.js';
import { createFileActions } from './electron/file-actions.js';
import { registerIpcHandlers } from './electron/ipc-handlers.js';
import { createMainWindow } from './electron/main-window.js';
import { electronSqliteBinding } from './electron/native-binding.js';
import { createOriginMarker, watchCompletions } from './electron/origin-marker.js';
import { SafeStorageSecretStore } from './electron/safe-storage-secrets.js';
import { createSleepBlocker } from './electron/sleep-blocker.js';
import { trustedSender } from './electron/sender-check.js';
import { EXTENSION_PORT, followPairing } from './server/extension-listener.js';
import { preparePrivateDataDir } from './store/private-files.js';
import { lockDataFolder } from './store/data-folder-lock.js';
import { SqliteStore } from './store/sqlite-store.js';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const pageUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(outDir, 'renderer', 'index.html')).href;
const preloadPath = join(outDir, 'preload', 'preload.cjs');

// A separate profile (tests, a second configuration): its own database, settings and secrets.
if (process.env.STEADFAST_DATA_DIR) app.setPath('userData', process.env.STEADFAST_DATA_DIR);

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  // The same folder and file modes as `steadfast serve` and `get` (ARCHITECTURE.md §6).
  preparePrivateDataDir(dataDir);
  const nativeBinding = electronSqliteBinding(app.getAppPath(), process.resourcesPath, app.isPackaged);
  if (nativeBinding === null) {
    dialog.showErrorBox(
      'Steadfast cannot open its database',
      'The SQLite module for Electron is missing. Run `npm start` (which builds it), or reinstall the app.',
    );
    app.quit();
    return;
  }
  // Before the database is opened: `steadfast serve` pointed at this folder must not run beside us.
  const lock = lockDataFolder(dataDir, 'the desktop app');
  const store = SqliteStore.open(join(dataDir, 'steadfast.db'), { nativeBinding });
  const secrets = new SafeStorageSecretStore(dataDir, safeStorage);
  const manager = new DownloadManager({
    store,
    secrets,
    // "system" proxy: Chromium's answer for each URL (system settings, PAC), as the browser would use.
    createSource: createSourceFactory({ secrets, systemProxy: (url) => session.defaultSession.resolveProxy(url) }),
    defaultDownloadDir: app.getPath('downloads'),
  });
  // What the app asks itself (the menu, the notices) passes the same edge as the page's calls;
  // the manager is kept for its lifecycle. registerIpcHandlers has its own edge, which checks the
  // ids the file actions get before they ask the manager for the completed file.
  const api = validatingApi(manager);
  registerIpcHandlers(ipcMain, manager, createFileActions(manager, shell), trustedSender(pageUrl));

  let window: BrowserWindow | null = createMainWindow(pageUrl, preloadPath, join(dataDir, 'window.json'));
  window.on('closed', () => (window = null));
  app.on('second-instance', () => {
    if (window === null) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  const latest = new Map<string, DownloadSnapshot>((await api.list()).map((s) => [s.id, s]));
  const notices = createNoticeWatcher([...latest.values()]);
  const markOrigin = createOriginMarker({ platform: process.platform });
  const marks = watchCompletions([...latest.values()], (download) => void markOrigin(download));
  const keepAwake = createSleepBlocker(powerSaveBlocker);
  api.onChanged((change) => {
    marks(change);
    for (const id of change.removed) latest.delete(id);
    for (const s of change.snapshots) latest.set(s.id, s);
    // The setting is read at each change: a settings update is followed by the downloads' own changes.
    void api.getSettings().then((settings) => keepAwake(latest.values(), settings.prevent_sleep));
    window?.webContents.send(CHANGED_CHANNEL, change);
    window?.setProgressBar(overallProgress(latest.values()));
    if (Notification.isSupported()) {
      for (const notice of notices(change)) new Notification(notice).show();
    }
  });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      {
        label: 'Downloads',
        submenu: [
          { label: 'Pause all', accelerator: 'CmdOrCtrl+Shift+P', click: () => void pauseAll(api) },
          { label: 'Resume all', accelerator: 'CmdOrCtrl+Shift+R', click: () => void resumeAll(api) },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'windowMenu' },
    ]),
  );
  manager.start();
  // The browser extension's door: open only while an extension is paired or a code waits for one.
  const extensionListener = followPairing({
    engine: manager,
    pairing: manager.extensions,
    port: Number(process.env.STEADFAST_PORT ?? EXTENSION_PORT),
    onError: (error) => console.error('steadfast:', error.message),
  });
  // The OS's view of the network: while it reports none, due retries wait instead of failing.
  setInterval(() => manager.setOnline(net.isOnline()), 2000);
  // After a sleep: slept attempts cost nothing, due retries wait for the network (ARCHITECTURE.md §2).
  powerMonitor.on('resume', () => manager.noteWake());
  // Opt-in (the watch_clipboard setting): a link copied elsewhere is offered to the page.
  const watchClipboard = createClipboardWatch({
    clipboard,
    enabled: async () => (await api.getSettings()).watch_clipboard,
    known: (link) => [...latest.values()].some((s) => describeSource(s.source) === link),
    offer: (link) => window?.webContents.send(CLIPBOARD_LINK_CHANNEL, link),
  });
  setInterval(() => void watchClipboard(), CLIPBOARD_POLL_MS);

  // Quitting checkpoints every active download before the process ends.
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    stopping = true;
    event.preventDefault();
    void extensionListener
      .stop()
      .then(() => manager.shutdown())
      .finally(() => {
        store.close();
        lock.release();
        app.quit();
      });
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('window-all-closed', () => app.quit());
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      // A damaged, unreadable or too-new database: say so rather than vanish without a window.
      dialog.showErrorBox('Steadfast cannot start', error instanceof Error ? error.message : String(error));
      app.quit();
    });
}
