import { type BrowserContext, chromium, type Worker } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The unpacked extension as `npm run build` leaves it. */
export const EXTENSION_DIR = fileURLToPath(new URL('../../out/extension/chromium', import.meta.url));

export interface ExtensionBrowser {
  context: BrowserContext;
  /** The extension's service worker, where its listeners run. */
  worker: Worker;
  /** `chrome-extension://<id>` */
  origin: string;
  /** Where the browser saves the downloads it keeps. */
  downloadsDir: string;
  page(path: string): string;
}

/**
 * Debian's Chromium with the unpacked extension, headless, in a profile of its own under `root`.
 * The profile saves downloads to `downloadsDir` without asking, as a user's would; Playwright's
 * own download handling (which skips the extensions' download hooks) is switched back to the
 * browser's default.
 */
export async function launchWithExtension(root: string): Promise<ExtensionBrowser> {
  const profile = join(root, 'profile');
  const downloadsDir = join(root, 'browser-downloads');
  mkdirSync(join(profile, 'Default'), { recursive: true });
  mkdirSync(downloadsDir, { recursive: true });
  writeFileSync(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ download: { default_directory: downloadsDir, prompt_for_download: false, directory_upgrade: true } }),
  );
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  // Node's URL gives no origin for a chrome-extension: address.
  const origin = worker.url().split('/').slice(0, 3).join('/');
  const blank = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(blank);
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
  return { context, worker, origin, downloadsDir, page: (path) => `${origin}/${path}` };
}
