/**
 * Playwright fixtures for the browser end-to-end tests (ARCHITECTURE.md §9 "Tests").
 *
 * Every test gets real parts only: a fault origin on 127.0.0.1 (test/support/fault-origin.ts),
 * the real headless server as a child process (`steadfast serve`, which serves the built UI
 * from out/renderer), short retry delays patched through the REST API, and the page opened
 * at `http://127.0.0.1:<port>/#token=<token>`. Afterwards the server gets SIGTERM (and must
 * exit), the origin is closed and the temporary folders are removed.
 *
 * The tests act through the UI only. The REST API is used here to configure settings and,
 * in the tests, to read state for assertions — never to perform the user's action.
 */
import { expect, type Locator, type Page, test as base, type TestInfo } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import type { SettingsPatch } from '../../src-main/contract/schemas.js';
import type { Settings } from '../../src-main/contract/settings.js';
import { apiClient } from '../support/api-client.js';
import { type CliRun, runCli } from '../support/cli-process.js';
import { type FaultOrigin, startFaultOrigin } from '../support/fault-origin.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const RENDERER_INDEX = join(REPO, 'out', 'renderer', 'index.html');
/** The artifacts: one full-page screenshot per UI state and colour scheme. */
export const SCREENSHOT_DIR = join(REPO, 'test-results', 'screenshots');

export const TOKEN = 'e2e-token-0123456789abcdef';
export const MiB = 1024 * 1024;

/** Settings every test starts with: short, deterministic retry delays. */
export const DEFAULT_ENGINE_SETTINGS: SettingsPatch = { initial_delay_seconds: 1 };

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface Engine {
  /** The port the server listens on; a restart (start()) reuses it. */
  readonly port: number;
  readonly token: string;
  /** `http://127.0.0.1:<port>/#token=<token>`: what the server prints on a terminal, and a user opens. */
  readonly uiUrl: string;
  readonly dataDir: string;
  /** The configured download folder (`--download-dir`). */
  readonly downloadDir: string;
  /** A REST client with the token (configuration and assertions only). */
  readonly api: ReturnType<typeof apiClient>;
  readonly running: boolean;
  /** Everything the server processes printed so far, all runs together. */
  output(): string;
  /** SIGTERM, then waits for the process to exit; fails unless it exits with code 0. */
  stop(): Promise<void>;
  /** Starts the server again on the same port, data folder and download folder. */
  start(): Promise<void>;
  /** PATCH /api/settings; fails on anything but 200. */
  patchSettings(patch: SettingsPatch): Promise<Settings>;
  /** GET /api/downloads (for assertions). */
  downloads(): Promise<DownloadSnapshot[]>;
  /** The one download saved as `filename` (for assertions). */
  download(filename: string): Promise<DownloadSnapshot>;
}

interface Fixtures {
  /** Settings patched through the REST API before the page opens; override with test.use(). */
  engineSettings: SettingsPatch;
  /** A fresh fault origin on 127.0.0.1, no files; call setFile/script/throttle in the test. */
  origin: FaultOrigin;
  /** The real headless server, a child process. */
  engine: Engine;
  /** The page, already at the engine's UI with the token in the fragment. */
  page: Page;
}

/** Spawns `steadfast serve` and resolves once it printed its API address. */
async function spawnServer(
  args: { port: number; dataDir: string; downloadDir: string },
  log: (text: string) => void,
): Promise<{ run: CliRun; port: number }> {
  const run = runCli([
    'serve',
    '--port',
    String(args.port),
    '--data-dir',
    args.dataDir,
    '--download-dir',
    args.downloadDir,
  ], { STEADFAST_TOKEN: TOKEN });
  let stdout = '';
  let stderr = '';
  run.child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    log(chunk.toString());
  });
  run.child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    log(chunk.toString());
  });
  let exited = false;
  void run.exited.then(() => (exited = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  const address = /API: http:\/\/127\.0\.0\.1:(\d+)\/api/;
  while (!address.test(stdout)) {
    if (exited) {
      const { code, signal } = await run.exited;
      throw new Error(`steadfast serve exited before listening (code ${code}, signal ${signal}):\n${stdout}${stderr}`);
    }
    if (Date.now() > deadline) {
      run.child.kill('SIGKILL');
      await run.exited;
      throw new Error(`steadfast serve did not print its address within ${START_TIMEOUT_MS} ms:\n${stdout}${stderr}`);
    }
    await sleep(25);
  }
  const port = Number(address.exec(stdout)![1]);
  // Its stdout is a pipe, as in a log: the address is printed, the token is not.
  if (!stdout.includes('/#token=<token>') || stdout.includes(TOKEN)) throw new Error(`steadfast serve printed its address wrongly for a log:\n${stdout}`);
  return { run, port };
}

/** SIGTERM and wait; SIGKILL after STOP_TIMEOUT_MS so a hung server never outlives its test. */
async function terminate(run: CliRun): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) {
    const { code, signal } = await run.exited;
    return { code, signal, timedOut: false };
  }
  run.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    run.exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (timedOut) run.child.kill('SIGKILL');
  const { code, signal } = await run.exited;
  return { code, signal, timedOut };
}

const failed = (testInfo: TestInfo) => testInfo.status !== testInfo.expectedStatus;

export const test = base.extend<Fixtures>({
  engineSettings: [DEFAULT_ENGINE_SETTINGS, { option: true }],

  // Playwright requires a destructuring pattern for the first argument, even when empty.
  // eslint-disable-next-line no-empty-pattern
  origin: async ({}, use) => {
    const origin = await startFaultOrigin();
    try {
      await use(origin);
    } finally {
      await origin.close();
    }
  },

  engine: async ({ engineSettings }, use, testInfo) => {
    if (!existsSync(RENDERER_INDEX)) {
      throw new Error(`${RENDERER_INDEX} is missing: run \`npm run build\` before the e2e tests (the server serves the built UI).`);
    }
    const root = mkdtempSync(join(tmpdir(), 'steadfast-e2e-'));
    const dataDir = join(root, 'data');
    const downloadDir = join(root, 'dl');
    mkdirSync(downloadDir, { recursive: true });
    let output = '';
    const log = (text: string) => (output += text);

    let current: CliRun | null = null;
    const first = await spawnServer({ port: 0, dataDir, downloadDir }, log);
    current = first.run;
    const port = first.port;
    const api = apiClient(port, TOKEN);

    const engine: Engine = {
      port,
      token: TOKEN,
      uiUrl: `http://127.0.0.1:${port}/#token=${TOKEN}`,
      dataDir,
      downloadDir,
      api,
      get running() {
        return current !== null;
      },
      output: () => output,
      async stop() {
        if (current === null) throw new Error('the engine is not running');
        const run = current;
        current = null;
        const result = await terminate(run);
        if (result.timedOut || result.code !== 0) {
          throw new Error(
            `steadfast serve did not stop cleanly on SIGTERM (code ${result.code}, signal ${result.signal}` +
              `${result.timedOut ? ', killed after a timeout' : ''}):\n${output}`,
          );
        }
      },
      async start() {
        if (current !== null) throw new Error('the engine is already running');
        current = (await spawnServer({ port, dataDir, downloadDir }, log)).run;
      },
      async patchSettings(patch) {
        const response = await api.patch('/api/settings', patch);
        if (response.status !== 200) throw new Error(`PATCH /api/settings ${JSON.stringify(patch)}: HTTP ${response.status} ${response.text}`);
        return response.json as Settings;
      },
      async downloads() {
        const response = await api.get('/api/downloads');
        if (response.status !== 200) throw new Error(`GET /api/downloads: HTTP ${response.status} ${response.text}`);
        return (response.json as { downloads: DownloadSnapshot[] }).downloads;
      },
      async download(filename) {
        const matches = (await engine.downloads()).filter((d) => d.filename === filename);
        if (matches.length !== 1) throw new Error(`expected one download named ${filename}, found ${matches.length}`);
        return matches[0]!;
      },
    };

    let stopped: Awaited<ReturnType<typeof terminate>> | null;
    try {
      if (Object.keys(engineSettings).length > 0) await engine.patchSettings(engineSettings);
      await use(engine);
    } finally {
      const run = current as CliRun | null;
      current = null;
      stopped = run === null ? null : await terminate(run);
      if (failed(testInfo) || (stopped !== null && (stopped.timedOut || stopped.code !== 0))) {
        await testInfo.attach('steadfast-serve-output', { body: output, contentType: 'text/plain' });
      }
      rmSync(root, { recursive: true, force: true });
    }
    // Reached only when the test itself passed: a server that does not stop cleanly fails it.
    if (stopped !== null && (stopped.timedOut || stopped.code !== 0)) {
      throw new Error(`steadfast serve did not stop cleanly on SIGTERM (code ${stopped.code}, signal ${stopped.signal})`);
    }
  },

  page: async ({ page, engine }, use, testInfo) => {
    const messages: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') messages.push(`[${message.type()}] ${message.text()}`);
    });
    page.on('pageerror', (error) => messages.push(`[pageerror] ${error.stack ?? error.message}`));
    await page.goto(engine.uiUrl);
    await use(page);
    if (failed(testInfo) && messages.length > 0) {
      await testInfo.attach('browser-console', { body: messages.join('\n'), contentType: 'text/plain' });
    }
  },
});

export { expect };

// ---------------------------------------------------------------------------------------------
// Helpers that speak the UI contract (accessible names only, no CSS classes).

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
export const sha256File = (path: string): string => sha256(readFileSync(path));

/** The list of downloads. */
export const downloadList = (page: Page): Locator => page.getByRole('list', { name: 'Downloads' });

/** One download's row, found by its accessible name (the file name). */
export const row = (page: Page, filename: string): Locator =>
  downloadList(page).getByRole('listitem', { name: filename, exact: true });

/** The row's progress bar. */
export const progressBar = (rowLocator: Locator, filename: string): Locator =>
  rowLocator.getByRole('progressbar', { name: `Progress of ${filename}`, exact: true });

/** aria-valuenow as a number (NaN when absent). */
export async function progressValue(rowLocator: Locator, filename: string): Promise<number> {
  return Number(await progressBar(rowLocator, filename).getAttribute('aria-valuenow'));
}

export type StatusText = 'Queued' | 'Downloading' | 'Retrying' | 'Paused' | 'Completed' | 'Failed' | 'Cancelled';

/** The status badge showing exactly this status. */
export const statusBadge = (rowLocator: Locator, status: StatusText): Locator =>
  rowLocator.getByText(status, { exact: true });

/** Opens the Add dialog, enters the URLs (one per line) and submits; waits for the dialog to close. */
export async function addUrls(page: Page, urls: string[], options: { screenshot?: string } = {}): Promise<void> {
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add download' });
  await expect(dialog).toBeVisible();
  const urlSource = dialog.getByRole('radio', { name: 'URL', exact: true });
  if (!(await urlSource.isChecked())) await urlSource.check();
  await dialog.getByLabel('URLs (one per line)', { exact: true }).fill(urls.join('\n'));
  if (options.screenshot) await screenshotStates(page, options.screenshot);
  await dialog.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** Waits for two animation frames, so a colour-scheme change has been painted. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/**
 * Saves `test-results/screenshots/<state>-light.png` and `<state>-dark.png` (full page), then
 * goes back to the project's colour scheme.
 */
export async function screenshotStates(page: Page, state: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await settle(page);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${state}-${colorScheme}.png`), fullPage: true, animations: 'disabled' });
  }
  await page.emulateMedia({ colorScheme: test.info().project.use.colorScheme ?? 'light' });
  await settle(page);
}

/** Requests the origin received for one path (GET or HEAD). */
export const requestsFor = (origin: FaultOrigin, path: string) => origin.requests.filter((r) => r.path === path);
