import { _electron as electron, expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const require = createRequire(import.meta.url);

/** Why the desktop app cannot be launched here, or null when it can. */
function missingPiece(): string | null {
  let binary: string;
  try {
    binary = require('electron') as string;
  } catch {
    return 'no Electron binary is installed (it is fetched by `npm start` on a machine that can reach GitHub)';
  }
  if (!existsSync(binary)) return `the Electron binary ${binary} is missing`;
  if (!existsSync('native/electron/better_sqlite3.node')) return 'better-sqlite3 for Electron is not built (run `npm start` once)';
  return null;
}

const reason = missingPiece();
if (reason !== null) console.log(`Electron smoke test skipped: ${reason}.`);

test.describe('the desktop app', () => {
  test.skip(reason !== null, `Electron smoke test skipped: ${reason}`);

  test('launches, adds a download from a local origin, and sees it complete', async () => {
    const content = randomBytesSeeded(2 * 1024 * 1024, 99);
    const origin = await startFaultOrigin({ '/desktop.bin': { content } });
    const dataDir = mkdtempSync(join(tmpdir(), 'steadfast-electron-'));
    const app = await electron.launch({
      args: ['out/main/main.js'],
      env: { ...process.env, STEADFAST_DATA_DIR: dataDir },
    });
    try {
      const page = await app.firstWindow();
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Add download' });
      await dialog.getByLabel('URLs (one per line)').fill(origin.url('/desktop.bin'));
      await dialog.getByLabel('Destination folder').fill(join(dataDir, 'dl'));
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      const row = page.getByRole('listitem', { name: 'desktop.bin' });
      await expect(row.getByText('Completed')).toBeVisible({ timeout: 30_000 });
      const saved = readFileSync(join(dataDir, 'dl', 'desktop.bin'));
      expect(createHash('sha256').update(saved).digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
    } finally {
      await app.close();
      await origin.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
