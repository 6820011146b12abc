/**
 * What the engine says without an error, in the window's language (ARCHITECTURE.md §7
 * "Languages"): a download's notice and why an attempt stopped carry a code beside their English.
 * Simplified Chinese shows the catalog's sentence for the code with the English kept as the
 * detail; English shows the engine's words as they are. The Chinese window with the Details open
 * is saved as test-results/screenshots/notice-details-zh-CN-{light,dark}.png.
 */
import type { Locator, Page } from '@playwright/test';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { addUrls, DEFAULT_ENGINE_SETTINGS, expect, MiB, row, screenshotStates, sha256, sha256File, test } from './fixtures.js';

/** The engine's English (src-main/engine/resume-rules.ts, attempt-outcome.ts) and the Chinese catalog's sentences. */
const NOTICE = 'The server does not support resuming; downloading again from the start.';
const NOTICE_ZH = '服务器不支持断点续传，正在从头重新下载。';
const PAUSED_ZH = '已暂停。';
const detail = (english: string) => `详细信息：${english}`;

/** `text` matched literally inside a RegExp. */
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The story's list as text: one item per attempt (the items nested in each are its spans). */
const attemptLines = (details: Locator, name: string): Locator => details.getByRole('list', { name, exact: true }).locator(':scope > li');

const chineseRow = (page: Page, filename: string): Locator =>
  page.getByRole('list', { name: '下载列表', exact: true }).getByRole('listitem', { name: filename, exact: true });

test.describe('a paused download whose server does not resume', () => {
  // One connection, so the resume is a single Range request the origin answers whole.
  test.use({ locale: 'en-US', engineSettings: { ...DEFAULT_ENGINE_SETTINGS, connections: 1 } });

  test('English shows the engine’s words; Chinese the codes’ sentences for the notice and the pause, the English as detail', async ({ page, origin, engine }) => {
    const content = randomBytesSeeded(2 * MiB, 901);
    origin.setFile('/f.bin', { content });
    // The first request is served; the resume's Range is answered with the whole file (200).
    origin.script('/f.bin', { kind: 'pass' }, { kind: 'ignore-range' });
    origin.throttle(512 * 1024);
    await addUrls(page, [origin.url('/f.bin')]);
    const english = row(page, 'f.bin');
    await expect.poll(async () => Number((await engine.download('f.bin')).downloaded_bytes), { timeout: 15_000 }).toBeGreaterThan(256 * 1024);
    await english.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(english.getByText('Paused', { exact: true })).toBeVisible();
    expect(Number((await engine.download('f.bin')).downloaded_bytes)).toBeGreaterThan(0);
    origin.throttle(null);
    await english.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect(english.getByText('Completed', { exact: true })).toBeVisible({ timeout: 20_000 });
    const done = await engine.download('f.bin');
    expect([done.notice_code, done.notice]).toEqual(['RESTART_RANGES_IGNORED', NOTICE]);
    expect(sha256File(done.path)).toBe(sha256(content));

    // English: the engine's words as they are, nothing added.
    await expect(english.locator('.row__notice')).toHaveText(NOTICE);
    await expect(english.locator('.row__notice')).toHaveAttribute('title', NOTICE);
    await expect(english.locator('[lang]')).toHaveCount(0);
    await english.getByRole('button', { name: 'Details', exact: true }).click();
    const englishDetails = page.getByRole('region', { name: 'Details of f.bin', exact: true });
    await expect(englishDetails.getByRole('cell', { name: 'Paused', exact: true })).toBeVisible();
    // Each attempt's line comes first in its item, its connections' spans after it.
    await expect(attemptLines(englishDetails, 'The story as text').first()).toHaveText(
      /^Attempt 1: \d+ % → \d+ % ‖ stopped at \d{1,2}:\d\d:\d\d [AP]M: Paused(?!\s*\()Attempt 1, connection 1: /,
    );
    await expect(englishDetails.getByText(/Details:/)).toHaveCount(0);
    await englishDetails.getByRole('button', { name: 'Close details', exact: true }).click();

    await engine.patchSettings({ language: 'zh-CN' });
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    const item = chineseRow(page, 'f.bin');
    await expect(item.getByText('已完成', { exact: true })).toBeVisible();

    // The row: the sentence, then the English in a span that says it is English.
    const notice = item.locator('.row__notice');
    await expect(notice).toHaveText(`${NOTICE_ZH} ${detail(NOTICE)}`);
    await expect(notice).toHaveAttribute('title', `${NOTICE_ZH}（${detail(NOTICE)}）`);
    await expect(notice.locator('[lang="en"]')).toHaveText(NOTICE);

    // Details: the paused attempt's cell and its line of the story, then the run that completed
    // (a pause spends no attempt: both are attempt 1).
    await item.getByRole('button', { name: '详情', exact: true }).click();
    const details = page.getByRole('region', { name: 'f.bin 的详情', exact: true });
    const cell = details.getByRole('cell', { name: `${PAUSED_ZH} ${detail('Paused')}`, exact: true });
    await expect(cell).toBeVisible();
    await expect(cell.locator('[lang="en"]')).toHaveText('Paused');
    const lines = attemptLines(details, '下载经过（文字）');
    await expect(lines).toHaveCount(2);
    await expect(lines.first()).toHaveText(
      new RegExp(`^第 1 次尝试：\\d+% → \\d+% ‖ 于 \\d{1,2}:\\d\\d:\\d\\d 停止：${escape(`${PAUSED_ZH}（${detail('Paused')}）`)}第 1 次尝试，`),
    );
    await expect(lines.nth(1)).toHaveText(/^第 1 次尝试：\d+% → 100% ✓ /);
    await screenshotStates(page, 'notice-details-zh-CN');
  });
});
