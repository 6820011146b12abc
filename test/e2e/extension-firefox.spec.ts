/**
 * The browser extension's Firefox variant end to end (ARCHITECTURE.md §7 "Browser extension"):
 * Debian's Firefox ESR, headless, driven over WebDriver BiDi, with out/extension/firefox installed
 * as a temporary add-on; the same signed-in site and real Steadfast as extension.spec.ts. Firefox
 * has no onDeterminingFilename: the extension sees a download once it has started (onCreated),
 * lets it go on while it asks Steadfast, and cancels it (or, if it has finished, deletes its file)
 * once Steadfast took it. The site paces its larger file so that it is still running by then.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { type ApiHarness, startApi } from '../support/api-server.js';
import { type CookieSite, startCookieSite } from '../support/cookie-site.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { type FirefoxWithExtension, launchFirefoxWithExtension } from '../support/firefox-extension.js';
import { expectHandedOver, pairedOrigins, running, steadfastDownloads, typedPairingCode } from './extension-steadfast.js';
import { MiB, sha256 } from './fixtures.js';

const REPORT = randomBytesSeeded(3 * MiB, 1701);
const REPORT_FILE = { content: REPORT, attachmentName: 'quarterly report.bin', paced: true };
const NOTES = randomBytesSeeded(200 * 1024, 1702);

interface BrowserDownload {
  filename: string;
  state: string;
  url: string;
  error: string | null;
}

/** What the extension sees of the toolbar button and Firefox's downloads. */
interface ExtensionView {
  badge: string;
  title: string;
  downloads: BrowserDownload[];
}

interface WebExtensionApis {
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
  /** Firefox leaves `error` out while a download has none. */
  downloads: { search(query: object): Promise<(Omit<BrowserDownload, 'error'> & { error?: string })[]> };
}

let root: string;
let site: CookieSite;
let steadfast: ApiHarness | null;
let firefox: FirefoxWithExtension;
/** An extension page kept open to read the extension's state through its APIs. */
let view: Page;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'steadfast-firefox-'));
  site = await startCookieSite({
    '/files/report': REPORT_FILE,
    '/files/notes': { content: NOTES, attachmentName: 'notes.txt' },
  });
  steadfast = await startApi({ connections: 1 });
  firefox = await launchFirefoxWithExtension(root);
  view = await firefox.openPage('popup.html');
});

test.afterEach(async () => {
  await firefox.close();
  await steadfast?.close();
  await site.close();
  rmSync(root, { recursive: true, force: true });
});

const live = (): ApiHarness => running(steadfast);

const extensionView = (): Promise<ExtensionView> =>
  view.evaluate(async () => {
    const api = (globalThis as unknown as { browser: WebExtensionApis }).browser;
    return {
      badge: await api.action.getBadgeText({}),
      title: await api.action.getTitle({}),
      downloads: (await api.downloads.search({})).map(({ filename, state, url, error }) => ({ filename, state, url, error: error ?? null })),
    };
  });

const textOf = (page: Page, selector: string): Promise<string> => page.$eval(selector, (element) => element.textContent ?? '');

/** The files Firefox saved itself, once it has settled `count` downloads (finished or failed). */
async function browserKept(count: number): Promise<Map<string, Buffer>> {
  await expect
    .poll(async () => (await extensionView()).downloads.filter((download) => download.state !== 'in_progress').map((d) => [d.state, d.error]))
    .toEqual(Array.from({ length: count }, () => ['complete', null]));
  const names = readdirSync(firefox.downloadsDir);
  return new Map(names.map((name) => [name, readFileSync(join(firefox.downloadsDir, name))]));
}

/** Settings shows a code; the user types it (as shown, or carelessly) into the options page. */
async function pairThroughOptions(): Promise<void> {
  const code = await typedPairingCode(live());
  const options = await firefox.openPage('options.html');
  await expect.poll(() => textOf(options, '#pairing-state')).toMatch(/Not paired/);
  await options.locator('#server').fill(`http://127.0.0.1:${live().port}`);
  await options.locator('#code').fill(code);
  await options.locator('#pair-form button[type="submit"]').click();
  await expect.poll(() => textOf(options, '#pairing-state')).toMatch(/^Paired with Steadfast at http:\/\/127\.0\.0\.1:\d+ since/);
  expect(await pairedOrigins(live())).toEqual([firefox.origin]);
  await options.close();
}

async function openSite(): Promise<Page> {
  const page = await firefox.browser.newPage();
  await page.goto(site.url('/'));
  return page;
}

test('Firefox: a click hands the download, with its session cookie, to Steadfast; Firefox cancels its own', async () => {
  await pairThroughOptions();
  const page = await openSite();
  await page.locator('#files-report').click();
  const userAgent = await page.evaluate(() => navigator.userAgent);
  expect(userAgent).toMatch(/Firefox\//);
  await expectHandedOver(live(), site, '/files/report', REPORT_FILE, userAgent);
  // Firefox's own download is gone, and left nothing behind, not even its part file.
  await expect.poll(async () => (await extensionView()).downloads).toEqual([]);
  expect((await extensionView()).badge).toBe('');
  expect(readdirSync(firefox.downloadsDir)).toEqual([]);

  const popup = await firefox.openPage('popup.html');
  await expect.poll(() => textOf(popup, '#recent')).toContain('quarterly report.bin');
  await expect.poll(() => textOf(popup, '.badge--completed')).toBe('Completed');
});

test('Firefox: a file Firefox may finish before Steadfast answers ends up in Steadfast alone', async () => {
  await pairThroughOptions();
  const page = await openSite();
  // Sent at once: Firefox often has it whole before the extension hears back from Steadfast.
  await page.locator('#files-notes').click();
  const [download] = await steadfastDownloads(live(), 1);
  expect(sha256(readFileSync(join(download!.dest_dir, download!.filename)))).toBe(sha256(NOTES));
  await expect.poll(async () => (await extensionView()).downloads).toEqual([]);
  expect(readdirSync(firefox.downloadsDir)).toEqual([]);
});

test('Firefox: with Steadfast down Firefox keeps the download whole and the badge says why', async () => {
  await pairThroughOptions();
  await live().close();
  steadfast = null;
  const page = await openSite();
  await page.locator('#files-report').click();
  const kept = await browserKept(1);
  expect([...kept.keys()]).toEqual(['quarterly report.bin']);
  expect(sha256(kept.get('quarterly report.bin')!)).toBe(sha256(REPORT));
  // Never paused and resumed: the site, which ignores ranges, was asked once and sent it whole.
  expect(site.requests.filter((r) => r.path === '/files/report').map((r) => [r.status, r.headers.range])).toEqual([[200, undefined]]);
  const after = await extensionView();
  expect(after.badge).toBe('!');
  expect(after.title).toMatch(/^Steadfast: Steadfast is not reachable at http:\/\/127\.0\.0\.1:\d+; the browser kept the download$/);
});
