/**
 * Pairing from Steadfast's side (ARCHITECTURE.md §7 "Browser extension"): the Settings dialog of
 * the built UI, served by a real `steadfast serve`, shows a one-time code; an extension's origin
 * trades it for a token; the dialog shows the pairing, turns it off and on; Revoke ends it. The extension's side is
 * played by plain requests carrying an extension's Origin (extension.spec.ts drives the real one).
 */
import { rawRequest } from '../support/api-client.js';
import { expect, screenshotStates, test } from './fixtures.js';

const EXTENSION = `chrome-extension://${'abcdefghijklmnop'.repeat(2)}`;
const FIREFOX = 'moz-extension://0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

test('Settings shows a one-time code, the pairings it made, turns one off and on, and revokes each on its own', async ({ page, engine }) => {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const section = dialog.getByRole('region', { name: 'Browser extension' });
  await expect(section).toContainText('No extension is paired');
  await section.getByRole('button', { name: 'Show a pairing code' }).click();
  const shown = section.getByRole('status');
  await expect(shown).toHaveText(/^Type [2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4} in the extension’s options \(valid for [45]:\d\d\)\.$/);
  await section.scrollIntoViewIfNeeded();
  await screenshotStates(page, 'settings-extension-code');
  const code = /([2-9A-Z]{4}-[2-9A-Z]{4})/.exec((await shown.textContent()) ?? '')![1]!;

  const pair = (origin: string, typed: string) =>
    rawRequest(engine.port, 'POST', '/api/extension/pair', {
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ code: typed }),
    });
  expect((await pair('https://evil.example', code)).status).toBe(403);
  const granted = await pair(EXTENSION, code);
  expect(granted.status).toBe(201);
  expect(granted.headers['access-control-allow-origin']).toBe(EXTENSION);
  const token = (granted.json as { token: string }).token;
  // Spent: the same code pairs nothing more.
  expect((await pair(EXTENSION, code)).status).toBe(403);

  const chrome = section.getByRole('listitem', { name: EXTENSION, exact: true });
  await expect(chrome).toContainText(`Paired with ${EXTENSION} since`);
  await expect(shown).toBeHidden();

  // A second browser pairs beside the first, with a code of its own.
  await section.getByRole('button', { name: 'Pair another browser' }).click();
  const second = /([2-9A-Z]{4}-[2-9A-Z]{4})/.exec((await shown.textContent()) ?? '')![1]!;
  const firefoxToken = ((await pair(FIREFOX, second)).json as { token: string }).token;
  const firefox = section.getByRole('listitem', { name: FIREFOX, exact: true });
  await expect(firefox).toContainText(`Paired with ${FIREFOX} since`);
  await expect(chrome).toBeVisible();
  await firefox.scrollIntoViewIfNeeded();
  await screenshotStates(page, 'settings-extension-paired');
  const status = () => rawRequest(engine.port, 'GET', '/api/extension/status', { headers: { authorization: `Bearer ${token}` } });
  expect((await status()).status).toBe(200);

  // Off without unpairing: the extension's next download is refused, its token still reads status.
  const start = () =>
    rawRequest(engine.port, 'POST', '/api/downloads/start', {
      headers: { origin: EXTENSION, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/never.bin' }),
    });
  const taking = chrome.getByRole('checkbox', { name: 'Take downloads from the extension' });
  await expect(taking).toBeChecked();
  // A controlled box: it changes once the engine answered, so click, then wait for the state.
  await taking.click();
  await expect(taking).not.toBeChecked();
  await expect(chrome).toContainText('Off: the browser keeps its downloads, and the extension stays paired.');
  await expect(firefox).not.toContainText('Off:');
  expect((await start()).status).toBe(403);
  expect((await status()).status).toBe(200);
  await taking.click();
  await expect(taking).toBeChecked();
  await expect(section).not.toContainText('Off: the browser keeps its downloads');

  await chrome.getByRole('button', { name: 'Revoke' }).click();
  await expect(chrome).toBeHidden();
  expect((await status()).status).toBe(401);
  const firefoxStatus = await rawRequest(engine.port, 'GET', '/api/extension/status', { headers: { origin: FIREFOX, authorization: `Bearer ${firefoxToken}` } });
  expect(firefoxStatus.status).toBe(200);
  await firefox.getByRole('button', { name: 'Revoke' }).click();
  await expect(section).toContainText('No extension is paired');
});
