/**
 * Schedules, sorting and the power setting through the built UI of a real `steadfast serve`
 * (ARCHITECTURE.md §9): set in Settings, shown on the toolbar, obeyed by the engine. Screenshots:
 * settings-schedule, schedule-toolbar, settings-sorting, category-filter, settings-power
 * (each -light and -dark).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import type { Settings } from '../../src-main/contract/settings.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { addUrls, expect, requestsFor, row, screenshotStates, sha256, sha256File, statusBadge, test } from './fixtures.js';

const hhmm = (at: Date) => `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000);

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  return dialog;
}

const settingsOf = async (engine: { api: { get(path: string): Promise<{ json: unknown }> } }) =>
  (await engine.api.get('/api/settings')).json as Settings;

test('a queue window set in Settings holds new downloads and says on the toolbar when it starts; the speed window says until when', async ({
  page,
  origin,
  engine,
}) => {
  // A window two to three hours from now: closed now, whatever the time of the test.
  const start = hhmm(hoursFromNow(2));
  const stop = hhmm(hoursFromNow(3));
  const dialog = await openSettings(page);
  await dialog.getByLabel('Run the queue only at set times').check();
  await dialog.getByLabel('Queue starts at').fill(start);
  await dialog.getByLabel('Queue stops at').fill(stop);
  await dialog.getByRole('group', { name: 'Queue days' }).getByRole('button', { name: 'Sun' }).click();
  await dialog.getByRole('heading', { name: 'Schedule' }).scrollIntoViewIfNeeded();
  await screenshotStates(page, 'settings-schedule');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();
  const saved = await settingsOf(engine);
  expect(saved.queue_schedule).toEqual({ start, stop, days: [1, 2, 3, 4, 5, 6] });

  const indicator = page.getByRole('status', { name: 'Schedule' });
  await expect(indicator).toContainText('Scheduled: starts at');
  const content = randomBytesSeeded(64 * 1024, 1101);
  origin.setFile('/later.bin', { content });
  await addUrls(page, [origin.url('/later.bin')]);
  const item = row(page, 'later.bin');
  await expect(statusBadge(item, 'Queued')).toBeVisible();
  await sleep(1000);
  await expect(statusBadge(item, 'Queued')).toBeVisible();
  expect(requestsFor(origin, '/later.bin')).toHaveLength(0);
  await expect(item.getByText('Waits for the schedule', { exact: true })).toBeVisible();

  // Start now: this one runs outside the window; the rest of the queue keeps waiting.
  const urgent = randomBytesSeeded(32 * 1024, 1102);
  origin.setFile('/urgent.bin', { content: urgent });
  await addUrls(page, [origin.url('/urgent.bin')]);
  const urgentRow = row(page, 'urgent.bin');
  await expect(urgentRow.getByText('Waits for the schedule', { exact: true })).toBeVisible();
  await urgentRow.getByRole('button', { name: 'Start now', exact: true }).click();
  await expect(statusBadge(urgentRow, 'Completed')).toBeVisible({ timeout: 20_000 });
  await expect(urgentRow.getByRole('button', { name: 'Start now', exact: true })).toHaveCount(0);
  expect(sha256File(join(engine.downloadDir, 'urgent.bin'))).toBe(sha256(urgent));
  await expect(statusBadge(item, 'Queued')).toBeVisible();
  expect(requestsFor(origin, '/later.bin')).toHaveLength(0);

  // A speed window open now (from an hour ago to two hours ahead).
  const again = await openSettings(page);
  await again.getByLabel('Limit the speed at set times').check();
  await again.getByLabel('Limit from').fill(hhmm(hoursFromNow(-1)));
  const until = hhmm(hoursFromNow(2));
  await again.getByLabel('Limit until').fill(until);
  await again.getByLabel('Scheduled limit (KiB/s)').fill('512');
  await again.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(again).toBeHidden();
  expect((await settingsOf(engine)).speed_schedule).toMatchObject({ stop: until, limit: 512 * 1024 });
  await expect(indicator).toContainText(`Speed limited until ${until}`);
  await screenshotStates(page, 'schedule-toolbar');

  // Turned off, the queue runs at once.
  const off = await openSettings(page);
  await off.getByLabel('Run the queue only at set times').uncheck();
  await off.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(statusBadge(item, 'Completed')).toBeVisible({ timeout: 20_000 });
  await expect(indicator).not.toContainText('Scheduled');
  expect(sha256File(join(engine.downloadDir, 'later.bin'))).toBe(sha256(content));
});

test('sorting set in Settings puts files in category folders, and the list filters by type', async ({ page, origin, engine }) => {
  const dialog = await openSettings(page);
  await dialog.getByLabel('Sort new downloads into folders by type').check();
  await dialog.getByLabel('Video folder').fill('Films');
  await dialog.getByLabel('Documents extensions').fill('pdf, txt, .RST');
  await dialog.getByRole('heading', { name: 'Sorting' }).scrollIntoViewIfNeeded();
  await screenshotStates(page, 'settings-sorting');
  await dialog.getByRole('heading', { name: 'Power' }).scrollIntoViewIfNeeded();
  await expect(dialog.getByLabel('Keep the computer awake while downloading (desktop app)')).toBeChecked();
  await screenshotStates(page, 'settings-power');
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toBeHidden();
  const saved = await settingsOf(engine);
  expect(saved.sort_by_category).toBe(true);
  expect(saved.categories.find((c) => c.id === 'documents')?.extensions).toEqual(['pdf', 'txt', 'rst']);

  const files = { 'clip.mkv': 'Films', 'song.mp3': 'Music', 'guide.rst': 'Documents', 'data.bin': 'Other' } as const;
  const contents = Object.fromEntries(Object.keys(files).map((name, i) => [name, randomBytesSeeded(32 * 1024, 1200 + i)]));
  for (const [name, content] of Object.entries(contents)) origin.setFile(`/${name}`, { content });
  await addUrls(page, Object.keys(files).map((name) => origin.url(`/${name}`)));
  for (const [name, folder] of Object.entries(files)) {
    await expect(statusBadge(row(page, name), 'Completed')).toBeVisible({ timeout: 20_000 });
    expect(sha256File(join(engine.downloadDir, folder, name))).toBe(sha256(contents[name]!));
    expect(existsSync(join(engine.downloadDir, name))).toBe(false);
  }

  const filter = page.getByRole('combobox', { name: 'File type' });
  await filter.selectOption({ label: 'Video' });
  await expect(row(page, 'clip.mkv')).toBeVisible();
  for (const name of ['song.mp3', 'guide.rst', 'data.bin']) await expect(row(page, name)).toHaveCount(0);
  await screenshotStates(page, 'category-filter');
  await filter.selectOption({ label: 'Documents' });
  await expect(row(page, 'guide.rst')).toBeVisible();
  await expect(row(page, 'clip.mkv')).toHaveCount(0);
  await filter.selectOption({ label: 'All types' });
  for (const name of Object.keys(files)) await expect(row(page, name)).toBeVisible();
});
