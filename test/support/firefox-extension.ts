import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** The temporary add-on as `npm run build` leaves it. */
export const FIREFOX_EXTENSION_DIR = fileURLToPath(new URL('../../out/extension/firefox', import.meta.url));
/** Debian's Firefox ESR (.ci/run installs it); Playwright's Firefox is a patched build of its own. */
export const FIREFOX = '/usr/bin/firefox-esr';
/** extension/manifest.firefox.json's gecko id. */
const ADDON_ID = 'extension@steadfast.invalid';
const PAGE_LOAD_MS = 15_000;

export interface FirefoxWithExtension {
  browser: Browser;
  /** `moz-extension://<uuid>`: the uuid is this installation's, as in a user's Firefox. */
  origin: string;
  /** Where Firefox saves the downloads it keeps. */
  downloadsDir: string;
  /** A new tab showing one of the extension's pages, which can call the WebExtension APIs. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Debian's Firefox, headless, driven over WebDriver BiDi (puppeteer-core, no browser download),
 * with the extension installed as a temporary add-on (`webExtension.install`) in a profile of its
 * own under `root` that saves downloads to `downloadsDir` without asking, as a user's would.
 */
export async function launchFirefoxWithExtension(root: string): Promise<FirefoxWithExtension> {
  const downloadsDir = join(root, 'browser-downloads');
  mkdirSync(downloadsDir, { recursive: true });
  // Firefox draws each installation's uuid at random unless the profile already names one.
  const origin = `moz-extension://${randomUUID()}`;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: join(root, 'firefox-profile'),
    // BiDi refuses to navigate a tab to a moz-extension: page without it.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'browser.download.dir': downloadsDir,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.alwaysOpenPanel': false,
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: origin.slice('moz-extension://'.length) }),
    },
  });
  try {
    const installed = await browser.installExtension(FIREFOX_EXTENSION_DIR);
    if (installed !== ADDON_ID) throw new Error(`Firefox installed ${installed}, not ${ADDON_ID}`);
  } catch (error) {
    await browser.close();
    throw error;
  }

  async function openPage(path: string): Promise<Page> {
    const url = `${origin}/${path}`;
    const page = await browser.newPage();
    // Firefox sends no BiDi load events for a page in the extension's process, so puppeteer's
    // goto never sees it finish: wait for the document instead, then drop goto's own wait.
    const stopWaiting = new AbortController();
    const navigation = page.goto(url, { signal: stopWaiting.signal }).catch(() => null);
    // A string, since test/support is compiled without the DOM's types.
    const loaded = `location.href === ${JSON.stringify(url)} && document.readyState === 'complete'`;
    const deadline = Date.now() + PAGE_LOAD_MS;
    // The tab moves into the extension's process as it loads, and an evaluation that meets the
    // move fails inside Firefox's BiDi (not as puppeteer's retried "context destroyed"): ask again.
    while ((await page.evaluate(loaded).catch(() => false)) !== true) {
      if (Date.now() > deadline) throw new Error(`Firefox did not load ${url} within ${PAGE_LOAD_MS} ms`);
      await sleep(50);
    }
    stopWaiting.abort();
    await navigation;
    return page;
  }

  return { browser, origin, downloadsDir, openPage, close: () => browser.close() };
}
