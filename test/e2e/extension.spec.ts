/**
 * The browser extension end to end (ARCHITECTURE.md §7 "Browser extension"): Debian's Chromium
 * with the unpacked extension from out/extension/chromium, a signed-in site on 127.0.0.1 whose
 * files need its session cookie, and a real Steadfast (the REST server over a real engine and
 * SQLite file). Pairing goes through the options page as a user's would; the clicks are real
 * clicks on the site's links; the browser saves what it keeps into a folder of the test's own.
 */
import { expect, type Page, test } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRequest } from '../support/api-client.js';
import { type ApiHarness, startApi } from '../support/api-server.js';
import { type CookieSite, startCookieSite } from '../support/cookie-site.js';
import { type ExtensionBrowser, launchWithExtension } from '../support/extension-browser.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { expectHandedOver, pairedOrigins, running, steadfastDownloads, steadfastRequests, typedPairingCode } from './extension-steadfast.js';
import { MiB, screenshotStates, sha256 } from './fixtures.js';

const REPORT = randomBytesSeeded(3 * MiB, 1601);
const REPORT_FILE = { content: REPORT, attachmentName: 'quarterly report.bin' };
const NOTES = randomBytesSeeded(200 * 1024, 1602);
const PHOTO = randomBytesSeeded(300 * 1024, 1603);

/** What the extension's service worker sees of the toolbar button and the browser's downloads. */
interface WorkerView {
  badge: string;
  title: string;
  downloads: { filename: string; state: string; url: string }[];
}

interface ChromeInWorker {
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
  downloads: { search(query: object): Promise<{ filename: string; state: string; url: string }[]> };
  contextMenus: { update(id: string, properties: object): Promise<void> };
}

let root: string;
let site: CookieSite;
let steadfast: ApiHarness | null;
let browser: ExtensionBrowser;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'steadfast-extension-'));
  site = await startCookieSite({
    '/files/report': REPORT_FILE,
    '/files/notes': { content: NOTES, attachmentName: 'notes.txt' },
    '/files/photo': { content: PHOTO, attachmentName: 'photo.jpg' },
  });
  steadfast = await startApi({ connections: 1 });
  browser = await launchWithExtension(root);
});

test.afterEach(async () => {
  await browser.context.close();
  await steadfast?.close();
  await site.close();
  rmSync(root, { recursive: true, force: true });
});

const live = (): ApiHarness => running(steadfast);

async function workerView(): Promise<WorkerView> {
  return browser.worker.evaluate(async () => {
    const api = (globalThis as unknown as { chrome: ChromeInWorker }).chrome;
    return {
      badge: await api.action.getBadgeText({}),
      title: await api.action.getTitle({}),
      downloads: (await api.downloads.search({})).map(({ filename, state, url }) => ({ filename, state, url })),
    };
  });
}

/** The files the browser saved itself, once it has finished `count` downloads. */
async function browserKept(count: number): Promise<Map<string, Buffer>> {
  await expect.poll(async () => (await workerView()).downloads.filter((download) => download.state === 'complete').length).toBe(count);
  const names = readdirSync(browser.downloadsDir);
  return new Map(names.map((name) => [name, readFileSync(join(browser.downloadsDir, name))]));
}

/** Settings shows a code; the user types it (as shown, or carelessly) into the options page. */
async function pairThroughOptions(): Promise<Page> {
  const code = await typedPairingCode(live());
  const options = await browser.context.newPage();
  await options.goto(browser.page('options.html'));
  await expect(options.locator('#pairing-state')).toHaveText(/Not paired/);
  await options.getByLabel('Steadfast address').fill(`http://127.0.0.1:${live().port}`);
  await options.getByLabel(/Pairing code/).fill(code);
  await options.getByRole('button', { name: 'Pair' }).click();
  await expect(options.locator('#pairing-state')).toHaveText(/^Paired with Steadfast at http:\/\/127\.0\.0\.1:\d+ since/);
  expect(await pairedOrigins(live())).toEqual([browser.origin]);
  return options;
}

async function openSite(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(site.url('/'));
  return page;
}

test('a click hands the download, with its session cookie, to Steadfast; the browser cancels its own', async () => {
  const options = await pairThroughOptions();
  await screenshotStates(options, 'extension-options');

  const page = await openSite();
  await page.click('#files-report');
  await expectHandedOver(live(), site, '/files/report', REPORT_FILE, await page.evaluate(() => navigator.userAgent));
  // The browser's own download is gone, and saved nothing.
  const view = await workerView();
  expect(view.downloads).toEqual([]);
  expect(view.badge).toBe('');
  expect(readdirSync(browser.downloadsDir)).toEqual([]);

  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 380, height: 320 });
  await popup.goto(browser.page('popup.html'));
  await expect(popup.getByText('quarterly report.bin')).toBeVisible();
  await expect(popup.locator('.badge--completed')).toHaveText('Completed');
  await expect(popup.locator('#pairing-state')).toHaveText(/^Paired with Steadfast/);
  await screenshotStates(popup, 'extension-popup');
});

test('the size rule and the type rule choose; Alt+click and the toolbar switch let a download through', async () => {
  const options = await pairThroughOptions();
  await options.getByLabel('Larger than', { exact: true }).check();
  await options.getByLabel('Megabytes').fill('1');
  await options.getByRole('button', { name: 'Save' }).click();
  await expect(options.locator('#rule-saved')).toHaveText('Saved');

  const page = await openSite();
  await page.click('#files-notes'); // 200 KiB: the browser keeps it
  let kept = await browserKept(1);
  expect(sha256(kept.get('notes.txt')!)).toBe(sha256(NOTES));
  await page.click('#files-report'); // 3 MiB: Steadfast's
  expect((await steadfastDownloads(live(), 1)).map((d) => d.filename)).toEqual(['quarterly report.bin']);

  // Alt held: the browser downloads even a large file itself.
  await page.click('#files-report', { modifiers: ['Alt'] });
  kept = await browserKept(2);
  expect(sha256(kept.get('quarterly report.bin')!)).toBe(sha256(REPORT));

  await options.getByLabel('These file types', { exact: true }).check();
  await options.getByLabel('File types', { exact: true }).fill('.JPG, iso');
  await options.getByRole('button', { name: 'Save' }).click();
  await page.click('#files-report'); // .bin: not a listed type
  await browserKept(3);
  await page.click('#files-photo'); // .jpg: Steadfast's
  expect((await steadfastDownloads(live(), 2)).map((d) => d.filename).sort()).toEqual(['photo.jpg', 'quarterly report.bin']);

  // The toolbar's switch (in the popup) turns capturing off: the badge says so.
  const popup = await browser.context.newPage();
  await popup.goto(browser.page('popup.html'));
  await popup.getByRole('button', { name: 'Capturing' }).click();
  await expect(popup.getByRole('button', { name: 'Not capturing' })).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await workerView()).badge).toBe('OFF');
  await page.click('#files-photo');
  await browserKept(4);
  expect((await live().api.get('/api/downloads')).json).toMatchObject({ downloads: { length: 2 } });
  expect(steadfastRequests(site, '/files/notes')).toEqual([]);
});

test('"Download with Steadfast" in the context menu sends an image with its cookie', async () => {
  await pairThroughOptions();
  const page = await openSite();
  const sent = await browser.worker.evaluate(
    async ({ srcUrl, pageUrl }) => {
      const api = (globalThis as unknown as { chrome: ChromeInWorker }).chrome;
      // The entry exists under its id (update refuses an unknown one)...
      await api.contextMenus.update('steadfast-download', {});
      // ...and its click handler runs as the browser calls it for an image.
      const click = (globalThis as unknown as { steadfastMenuClick: (info: object) => Promise<void> }).steadfastMenuClick;
      await click({ menuItemId: 'steadfast-download', srcUrl, pageUrl });
      return true;
    },
    { srcUrl: site.url('/files/photo'), pageUrl: page.url() },
  );
  expect(sent).toBe(true);
  const [download] = await steadfastDownloads(live(), 1);
  expect(download!.filename).toBe('photo.jpg');
  expect(sha256(readFileSync(join(download!.dest_dir, download!.filename)))).toBe(sha256(PHOTO));
  for (const request of steadfastRequests(site, '/files/photo')) expect(request.headers.cookie).toBe(site.cookie);
  expect((await workerView()).downloads).toEqual([]);
});

test('with Steadfast down the browser keeps the download and the badge says why', async () => {
  await pairThroughOptions();
  await live().close();
  steadfast = null;
  const page = await openSite();
  await page.click('#files-report');
  const kept = await browserKept(1);
  expect(sha256(kept.get('quarterly report.bin')!)).toBe(sha256(REPORT));
  const view = await workerView();
  expect(view.badge).toBe('!');
  expect(view.title).toMatch(/^Steadfast: Steadfast is not reachable at http:\/\/127\.0\.0\.1:\d+; the browser kept the download$/);
});

test('an unpaired extension and a web page are refused; a revoked token stops working', async () => {
  const { port } = live();
  const fromWorker = (request: { path: string; method: string; token: string | null }) =>
    browser.worker.evaluate(
      async ({ base, path, method, token }) => {
        const response = await fetch(`${base}${path}`, {
          method,
          credentials: 'omit',
          headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: JSON.stringify({ url: 'http://127.0.0.1:9/x.bin' }) } : {}),
        });
        return response.status;
      },
      { base: `http://127.0.0.1:${port}`, ...request },
    );
  // Not paired yet: the extension's origin is refused, token or not.
  expect(await fromWorker({ path: '/api/downloads/start', method: 'POST', token: 'made-up-token-0123456789' })).toBe(403);
  expect(await fromWorker({ path: '/api/downloads/start', method: 'POST', token: null })).toBe(403);
  // A web page (the site's origin) is refused, preflight and all.
  const web = await rawRequest(port, 'POST', '/api/downloads/start', {
    headers: { origin: site.url('').replace(/\/$/, ''), 'content-type': 'application/json' },
    body: '{"url":"http://127.0.0.1:9/x.bin"}',
  });
  expect(web.status).toBe(403);
  const preflight = await rawRequest(port, 'OPTIONS', '/api/downloads/start', { headers: { origin: site.url('').replace(/\/$/, '') } });
  expect(preflight.status).toBe(403);
  expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  const page = await openSite();
  const fromPage = await page.evaluate(
    (base) =>
      fetch(`${base}/api/downloads/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(
        (response) => `HTTP ${response.status}`,
        () => 'blocked',
      ),
    `http://127.0.0.1:${port}`,
  );
  expect(fromPage).toBe('blocked');

  await pairThroughOptions();
  const token = await browser.worker.evaluate(async () => {
    const stored = await (globalThis as unknown as { chrome: { storage: { local: { get(keys: string[]): Promise<{ token: string }> } } } }).chrome.storage.local.get(['token']);
    return stored.token;
  });
  const paired = await rawRequest(port, 'OPTIONS', '/api/downloads/start', { headers: { origin: browser.origin } });
  expect([paired.status, paired.headers['access-control-allow-origin']]).toEqual([204, browser.origin]);
  expect(await fromWorker({ path: '/api/downloads/start', method: 'POST', token })).toBe(201);
  // Its token opens its own routes only.
  expect(await fromWorker({ path: '/api/settings', method: 'GET', token })).toBe(401);
  expect(await fromWorker({ path: '/api/extension/code', method: 'POST', token })).toBe(403);

  // Settings revokes it: the same token stops working, and a click stays with the browser.
  expect((await live().api.delete(`/api/extension/${new URL(browser.origin).host}`)).status).toBe(204);
  expect(await fromWorker({ path: '/api/downloads/start', method: 'POST', token })).toBe(403);
  expect(await fromWorker({ path: '/api/extension/status', method: 'GET', token })).toBe(401);
  await page.click('#files-notes');
  await browserKept(1);
  const view = await workerView();
  expect(view.badge).toBe('KEY');
  expect(view.title).toMatch(/Steadfast refused the extension: .*the browser kept the download$/);
});
