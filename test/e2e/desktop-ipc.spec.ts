/**
 * The desktop app's renderer in Chromium, over the desktop's own IPC path: the built page, the
 * preload's createBridge (bundled as the preload is), the main process's registerIpcHandlers
 * (sender frame and arity checks, envelopes) and a real engine in this process. Only Electron's
 * transport is replaced: a Playwright binding carries each invoke, with the calling frame's real
 * URL as the sender, where Electron's IPC would. Electron itself cannot run on these machines.
 *
 * This is where the desktop-only behaviour shows in the UI: while the operating system reports
 * no network (main.ts feeds net.isOnline() into setOnline), a due retry waits and says so.
 */
import { expect, type Page, test } from '@playwright/test';
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANGED_CHANNEL, CLIPBOARD_LINK_CHANNEL } from '../../src-main/contract/bridge.js';
import { createClipboardWatch } from '../../src-main/electron/clipboard-watch.js';
import { createFileActions } from '../../src-main/electron/file-actions.js';
import { type InvokeEventLike, registerIpcHandlers } from '../../src-main/electron/ipc-handlers.js';
import { trustedSender } from '../../src-main/electron/sender-check.js';
import { type EngineHarness, startEngine } from '../support/engine-harness.js';
import { randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { addUrls, row, screenshotStates, statusBadge } from './fixtures.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER = join(REPO, 'out', 'renderer');
/** The page's address. Requests to it are answered from out/renderer by page.route: no server, no network. */
const APP = 'http://steadfast.desktop.test/index.html';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** The preload's bridge, bundled for the page as electron-vite bundles the preload. */
async function preloadScript(): Promise<string> {
  const bundled = await build({
    stdin: {
      contents: "import { createBridge } from './src-preload/bridge.ts'; globalThis.__createBridge = createBridge;",
      resolveDir: REPO,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
    platform: 'browser',
  });
  // ipcRenderer's stand-in: invoke crosses to this process, events come back through deliver.
  const ipc = `(() => {
    const listeners = new Map();
    const ipc = {
      invoke: (channel, ...args) => window.__steadfastInvoke(channel, args),
      on: (channel, listener) => { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(listener); },
      removeListener: (channel, listener) => { listeners.get(channel)?.delete(listener); },
    };
    window.__steadfastDeliver = (channel, payload) => { for (const l of listeners.get(channel) ?? []) l({}, payload); };
    window.steadfast = Object.freeze(globalThis.__createBridge(ipc));
    delete globalThis.__createBridge;
  })();`;
  return `${bundled.outputFiles[0]!.text}\n${ipc}`;
}

async function openDesktopPage(page: Page, handlers: Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>) {
  await page.route('http://steadfast.desktop.test/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = join(RENDERER, path === '/' ? 'index.html' : path);
    if (!file.startsWith(RENDERER)) return route.fulfill({ status: 404 });
    await route.fulfill({ body: readFileSync(file), contentType: TYPES[extname(file)] ?? 'application/octet-stream' });
  });
  await page.exposeBinding('__steadfastInvoke', async (source, channel: string, args: unknown[]) => {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: { url: source.frame.url() } }, ...args);
  });
  await page.addInitScript(await preloadScript());
  await page.goto(APP);
}

/** webContents.send from the main process, as the preload's ipcRenderer receives it. */
function deliver(page: Page, channel: string, payload: unknown): void {
  page
    .evaluate(([c, p]) => (window as unknown as { __steadfastDeliver(c: string, p: unknown): void }).__steadfastDeliver(c, p), [channel, payload] as const)
    .catch(() => undefined);
}

/** main.ts's wiring around a real engine: the IPC handlers, and change events sent to the page. Returns the undo. */
function wireDesktop(page: Page, engine: EngineHarness) {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const unregister = registerIpcHandlers(
    { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) },
    engine.manager,
    createFileActions(engine.manager, { openPath: async () => '', showItemInFolder: () => undefined }),
    trustedSender(APP),
  );
  const stopEvents = engine.manager.onChanged((change) => deliver(page, CHANGED_CHANNEL, change));
  return {
    handlers,
    undo: () => {
      stopEvents();
      unregister();
    },
  };
}

test('desktop: a retry due while the OS reports no network waits, says "Waiting for network", and goes on when it is back', async ({ page }) => {
  const content = randomBytesSeeded(1024 * 1024, 131);
  const origin = await startFaultOrigin({ '/offline.bin': { content } });
  origin.script('/offline.bin', { kind: 'drop-after', bytes: 256 * 1024 });
  const engine = startEngine({ settings: { initial_delay_seconds: 1 } });
  const { handlers, undo } = wireDesktop(page, engine);
  try {
    await openDesktopPage(page, handlers);
    engine.manager.setOnline(false);
    await addUrls(page, [origin.url('/offline.bin')]);
    const item = row(page, 'offline.bin');

    // The cut fails attempt 1; its retry comes due while offline and waits instead of spending attempt 2.
    await expect(item.getByText('Waiting for network', { exact: true })).toBeVisible();
    await expect(statusBadge(item, 'Retrying')).toBeVisible();
    await expect(item.getByText('Attempt 2 of 5', { exact: true })).toBeVisible();
    await screenshotStates(page, 'desktop-waiting-for-network');
    const [waiting] = (await engine.manager.list()).filter((d) => d.filename === 'offline.bin');
    expect(waiting).toMatchObject({ status: 'retrying', waiting_for_network: true, failed_count: 1 });
    // Waiting costs nothing: no request since the cut.
    await page.waitForTimeout(1500);
    expect(origin.requests.filter((r) => r.path === '/offline.bin')).toHaveLength(1);

    engine.manager.setOnline(true);
    await expect(statusBadge(item, 'Completed')).toBeVisible();
    await expect(item.getByText('Waiting for network', { exact: true })).toHaveCount(0);
    const done = await engine.manager.get(waiting!.id);
    expect(done.failed_count).toBe(1);
    expect(readFileSync(done.path).equals(content)).toBe(true);
  } finally {
    undo();
    await engine.close();
    await origin.close();
    rmSync(engine.root, { recursive: true, force: true });
  }
});

test('desktop: with the clipboard watch turned on in Settings, a copied link is offered; Add… puts it in the Add dialog', async ({ page }) => {
  const content = randomBytesSeeded(200 * 1024, 231);
  const origin = await startFaultOrigin({ '/copied.bin': { content } });
  // Settings the dialog's own fields accept (the harness's 0.05 s delay is below its minimum).
  const engine = startEngine({ settings: { initial_delay_seconds: 1 } });
  const { handlers, undo } = wireDesktop(page, engine);
  // main.ts's watch over a stand-in clipboard that the test "copies" to; the test makes each look
  // that main.ts's timer would, so none falls between a copy and the look that should see it.
  const clipboard = { text: 'https://before.example/already-copied.iso', readText: () => clipboard.text };
  const watch = createClipboardWatch({
    clipboard,
    enabled: async () => (await engine.manager.getSettings()).watch_clipboard,
    known: () => false,
    offer: (link) => deliver(page, CLIPBOARD_LINK_CHANNEL, link),
  });
  const copy = async (text: string) => {
    await watch();
    clipboard.text = text;
    await watch();
  };
  const offer = page.getByRole('status', { name: 'Copied link' });
  try {
    await openDesktopPage(page, handlers);
    // Off by default: a copied link is not offered.
    await copy('https://example.com/copied-while-off.iso');
    await page.waitForTimeout(300);
    await expect(offer).toHaveCount(0);

    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('checkbox', { name: 'Offer to add links copied to the clipboard' }).check();
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toBeHidden();
    expect((await engine.manager.getSettings()).watch_clipboard).toBe(true);

    await copy(`  ${origin.url('/copied.bin')}\n`);
    await expect(offer).toContainText(origin.url('/copied.bin'));
    await screenshotStates(page, 'desktop-clipboard-offer');
    await offer.getByRole('button', { name: 'Add…' }).click();
    await expect(offer).toHaveCount(0);
    const dialog = page.getByRole('dialog', { name: 'Add download' });
    await expect(dialog.getByRole('textbox', { name: 'URLs (one per line)', exact: true })).toHaveValue(origin.url('/copied.bin'));
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(statusBadge(row(page, 'copied.bin'), 'Completed')).toBeVisible();
    const [done] = await engine.manager.list();
    expect(readFileSync(done!.path).equals(content)).toBe(true);

    // Another link is offered and can be dismissed; the one already offered is not offered again.
    await copy('https://example.com/second.iso');
    await expect(offer).toContainText('https://example.com/second.iso');
    await offer.getByRole('button', { name: 'Dismiss the copied link' }).click();
    await expect(offer).toHaveCount(0);
    await copy(origin.url('/copied.bin'));
    await copy('https://example.com/second.iso');
    await page.waitForTimeout(300);
    await expect(offer).toHaveCount(0);
  } finally {
    undo();
    await engine.close();
    await origin.close();
    rmSync(engine.root, { recursive: true, force: true });
  }
});
