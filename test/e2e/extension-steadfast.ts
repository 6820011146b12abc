/**
 * What the extension tests (extension.spec.ts in Chromium, extension-firefox.spec.ts in Firefox)
 * ask of the real Steadfast and the signed-in site, whichever browser the extension runs in.
 */
import { expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import type { ApiHarness } from '../support/api-server.js';
import type { CookieSite, SiteFile } from '../support/cookie-site.js';
import { sha256 } from './fixtures.js';

/** The running Steadfast; a test that stopped it, to see the browser keep a download, has none. */
export function running(steadfast: ApiHarness | null): ApiHarness {
  if (steadfast === null) throw new Error('Steadfast was stopped');
  return steadfast;
}

/** Steadfast's downloads, once `count` of them are finished. */
export async function steadfastDownloads(steadfast: ApiHarness, count: number): Promise<DownloadSnapshot[]> {
  let downloads: DownloadSnapshot[] = [];
  await expect
    .poll(async () => {
      downloads = ((await steadfast.api.get('/api/downloads')).json as { downloads: DownloadSnapshot[] }).downloads;
      return downloads.filter((download) => download.status === 'completed').length;
    })
    .toBe(count);
  return downloads;
}

/** Settings shows a code; the user types it carelessly (lower case, with a dash) into the options page. */
export async function typedPairingCode(steadfast: ApiHarness): Promise<string> {
  const { status, json } = await steadfast.api.post('/api/extension/code');
  expect(status).toBe(201);
  const code = (json as { code: string }).code;
  return `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`;
}

export const pairedOrigins = async (steadfast: ApiHarness): Promise<string[]> =>
  ((await steadfast.api.get('/api/extension')).json as { extensions: { origin: string }[] }).extensions.map((e) => e.origin);

/** Requests for a path that Steadfast made (it asks for identity encoding; browsers never do). */
export const steadfastRequests = (site: CookieSite, path: string) =>
  site.requests.filter((r) => r.path === path && r.headers['accept-encoding'] === 'identity');

/**
 * Steadfast finished the one download, the site's file at `path`, whole and under the browser's
 * name, and every request it made for it carried the browser's cookie, the page as referrer and
 * the browser's user agent.
 */
export async function expectHandedOver(steadfast: ApiHarness, site: CookieSite, path: string, file: SiteFile, userAgent: string): Promise<void> {
  const [download] = await steadfastDownloads(steadfast, 1);
  expect(download!.filename).toBe(file.attachmentName);
  expect(sha256(readFileSync(join(download!.dest_dir, download!.filename)))).toBe(sha256(file.content));
  const fetched = steadfastRequests(site, path);
  expect(fetched.length).toBeGreaterThan(0);
  for (const request of fetched) {
    expect(request.headers.cookie).toBe(site.cookie);
    expect(request.headers.referer).toBe(site.url('/'));
    expect(request.headers['user-agent']).toBe(userAgent);
    expect(request.status).toBe(200);
  }
}
