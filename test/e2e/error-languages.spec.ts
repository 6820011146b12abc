/**
 * A download's error in the window's language (ARCHITECTURE.md §7 "Languages"): English shows
 * the engine's message as it is; Simplified Chinese shows the sentence for its error code, with
 * the engine's English message kept beside it as a detail in the text, so a screen reader reads
 * both. The row, the attempts table and the story's text list all say it. The Chinese window
 * with the Details open is saved as test-results/screenshots/failed-details-zh-CN-{light,dark}.png.
 */
import type { Locator, Page } from '@playwright/test';
import { addUrls, expect, row, screenshotStates, test } from './fixtures.js';

/** What the engine says for a 404 (src-main/engine/classify-error.ts), and the two catalogs' words. */
const ENGINE_MESSAGE = 'File not found on the server (HTTP 404 Not Found)';
const CHINESE_SENTENCE = '服务器上找不到该文件。请检查链接，或点击“更换链接”。';
const CHINESE_DETAIL = `详细信息：${ENGINE_MESSAGE}`;

/** Opens the row's Details (its button named `button`) and returns the region named `region`. */
async function openDetails(page: Page, rowLocator: Locator, button: string, region: string): Promise<Locator> {
  await rowLocator.getByRole('button', { name: button, exact: true }).click();
  const details = page.getByRole('region', { name: region, exact: true });
  await expect(details).toBeVisible();
  return details;
}

test.describe('a failed download', () => {
  test.use({ locale: 'en-US' });

  test('says the engine message in English, and the code’s Chinese sentence with the English as detail in Chinese', async ({ page, origin, engine }) => {
    // The origin has no /missing.iso: a 404, NOT_FOUND, failed at once with no retry.
    await addUrls(page, [origin.url('/missing.iso')]);
    const english = row(page, 'missing.iso');
    await expect(english.getByText('Failed', { exact: true })).toBeVisible({ timeout: 15_000 });
    const snapshot = await engine.download('missing.iso');
    expect([snapshot.status, snapshot.error_code, snapshot.error_message]).toEqual(['failed', 'NOT_FOUND', ENGINE_MESSAGE]);

    // English: the engine's message, as it was, with nothing added.
    const englishError = english.getByText(ENGINE_MESSAGE, { exact: true });
    await expect(englishError).toBeVisible();
    await expect(englishError).toHaveAttribute('title', ENGINE_MESSAGE);
    await expect(english.getByText(/Details:|详细信息/)).toHaveCount(0);
    await expect(english.locator('[lang]')).toHaveCount(0);
    const englishDetails = await openDetails(page, english, 'Details', 'Details of missing.iso');
    await expect(englishDetails.getByRole('cell', { name: ENGINE_MESSAGE, exact: true })).toBeVisible();
    await expect(englishDetails.getByRole('list', { name: 'The story as text' }).getByRole('listitem').first()).toHaveText(
      new RegExp(`^Attempt 1: .* ✗ failed at \\d{1,2}:\\d\\d:\\d\\d [AP]M: ${escape(ENGINE_MESSAGE)}$`),
    );
    await englishDetails.getByRole('button', { name: 'Close details', exact: true }).click();

    // The language is a setting the engine keeps; a fresh page reads it.
    await engine.patchSettings({ language: 'zh-CN' });
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    const chinese = page.getByRole('list', { name: '下载列表', exact: true }).getByRole('listitem', { name: 'missing.iso', exact: true });
    await expect(chinese.getByText('失败', { exact: true })).toBeVisible();
    const error = chinese.getByText(CHINESE_SENTENCE, { exact: true });
    await expect(error).toBeVisible();
    // The detail is text on the row, not only a hover: the English in a span that says it is English.
    await expect(chinese.getByText(CHINESE_DETAIL, { exact: true })).toBeVisible();
    await expect(chinese.locator('[lang="en"]')).toHaveText(ENGINE_MESSAGE);
    const line = chinese.locator('.row__error');
    await expect(line).toHaveText(`${CHINESE_SENTENCE} ${CHINESE_DETAIL}`);
    await expect(line).toHaveAttribute('title', `${CHINESE_SENTENCE}（${CHINESE_DETAIL}）`);
    await expect(chinese.getByText(ENGINE_MESSAGE, { exact: true })).toBeVisible();

    const details = await openDetails(page, chinese, '详情', 'missing.iso 的详情');
    const cell = details.getByRole('cell', { name: `${CHINESE_SENTENCE} ${CHINESE_DETAIL}`, exact: true });
    await expect(cell).toBeVisible();
    await expect(cell.getByText(CHINESE_DETAIL, { exact: true })).toBeVisible();
    await expect(details.getByRole('list', { name: '下载经过（文字）' }).getByRole('listitem').first()).toHaveText(
      new RegExp(`^第 1 次尝试：.* ✗ 于 \\d{1,2}:\\d\\d:\\d\\d 失败：${escape(`${CHINESE_SENTENCE}（${CHINESE_DETAIL}）`)}$`),
    );
    await screenshotStates(page, 'failed-details-zh-CN');
  });
});

/** `text` matched literally inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
