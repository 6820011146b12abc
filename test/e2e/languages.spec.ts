/**
 * The window's languages, end to end (ARCHITECTURE.md §7 "Languages"): Chromium's locale picks
 * the language at first, Settings switches it live, the engine remembers it, and the plural
 * forms and formats follow. The main window with a completed, a retrying and a failed download
 * is saved as test-results/screenshots/main-{en,zh-CN}-{light,dark}.png.
 */
import type { Page } from '@playwright/test';
import { randomBytesSeeded } from '../support/fault-origin.js';
import type { FaultOrigin } from '../support/fault-origin.js';
import { addUrls, expect, screenshotStates, test } from './fixtures.js';

/** The words these tests look for, per language: from the catalogs, written out so a wrong catalog fails. */
const WORDS = {
  en: { list: 'Downloads', count: (n: number) => `${n} download${n === 1 ? '' : 's'}`, completed: 'Completed', failed: 'Failed', retrying: 'Retrying', attempt: 'Attempt 2 of 5', retryingIn: /^Retrying in \d+ s$/, details: 'Details', settings: 'Settings', close: 'Close' },
  'zh-CN': { list: '下载列表', count: (n: number) => `${n} 个下载`, completed: '已完成', failed: '失败', retrying: '重试中', attempt: '第 2 次尝试，共 5 次', retryingIn: /^\d+ 秒后重试$/, details: '详情', settings: '设置', close: '关闭' },
} as const;
type Language = keyof typeof WORDS;

/** One download's row, by the list's name in `language`. */
const row = (page: Page, language: Language, filename: string) =>
  page.getByRole('list', { name: WORDS[language].list, exact: true }).getByRole('listitem', { name: filename, exact: true });
/** The row's badge (or any text) saying exactly `text`. */
const says = (rowLocator: ReturnType<typeof row>, text: string) => rowLocator.getByText(text, { exact: true });

/** A small file that completes, one the origin does not have (404: failed at once), one that gets a 503 first. */
function serveThree(origin: FaultOrigin) {
  origin.setFile('/report.pdf', { content: randomBytesSeeded(300 * 1024, 171) });
  origin.setFile('/flaky.zip', { content: randomBytesSeeded(64 * 1024, 172) });
  origin.script('/flaky.zip', { kind: 'status', status: 503 });
  return { completed: origin.url('/report.pdf'), retrying: origin.url('/flaky.zip'), failed: origin.url('/missing.iso') };
}

/** The three rows in their states, in `language`'s words. */
async function expectThree(page: Page, language: Language): Promise<void> {
  const words = WORDS[language];
  await expect(says(row(page, language, 'report.pdf'), words.completed)).toBeVisible({ timeout: 15_000 });
  await expect(says(row(page, language, 'missing.iso'), words.failed)).toBeVisible();
  const retrying = row(page, language, 'flaky.zip');
  await expect(says(retrying, words.retrying)).toBeVisible();
  await expect(retrying.getByText(words.attempt, { exact: true })).toBeVisible();
  await expect(retrying.getByText(words.retryingIn)).toBeVisible();
  await expect(page.getByText(words.count(3), { exact: true })).toBeVisible();
}

/** Picks a language in Settings; the dialog itself changes at once, then closes with its own word. */
async function chooseLanguage(page: Page, from: Language, option: string, to: Language, screenshot?: string): Promise<void> {
  await page.getByRole('button', { name: WORDS[from].settings, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: WORDS[from].settings, exact: true });
  await dialog.getByRole('combobox', { name: from === 'en' ? 'Language' : '语言', exact: true }).selectOption({ label: option });
  const switched = page.getByRole('dialog', { name: WORDS[to].settings, exact: true });
  await expect(switched.getByRole('combobox', { name: to === 'en' ? 'Language' : '语言', exact: true })).toBeVisible();
  if (screenshot !== undefined) await screenshotStates(page, screenshot);
  await switched.getByRole('button', { name: WORDS[to].close, exact: true }).click();
  await expect(switched).toBeHidden();
}

test.describe('an English browser', () => {
  // The retry waits a minute: the row stays "Attempt 2 of 5" with its countdown for the pictures.
  test.use({ locale: 'en-US', engineSettings: { initial_delay_seconds: 60 } });

  test('English first with its plural forms, then Chinese chosen in Settings: live, remembered, and back', async ({ page, origin, engine }) => {
    const urls = serveThree(origin);
    await expect(page.getByText('No downloads yet')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');

    await addUrls(page, [urls.completed]);
    await expect(page.getByText('1 download', { exact: true })).toBeVisible();
    await addUrls(page, [urls.retrying, urls.failed]);
    await expectThree(page, 'en');
    // English shows the engine's own message; Chinese, its code's sentence (error-languages.spec.ts).
    await expect(row(page, 'en', 'missing.iso').getByText(/HTTP 404/)).toBeVisible();

    await page.getByRole('group', { name: 'Filter' }).getByRole('button', { name: 'Completed', exact: true }).click();
    await expect(page.getByText('1 of 3 downloads', { exact: true })).toBeVisible();
    await page.getByRole('group', { name: 'Filter' }).getByRole('button', { name: 'All', exact: true }).click();
    await screenshotStates(page, 'main-en');

    await chooseLanguage(page, 'en', '简体中文', 'zh-CN', 'settings-zh-CN');
    await expectThree(page, 'zh-CN');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
        await expect(row(page, 'zh-CN', 'report.pdf').getByText('300 KB / 300 KB', { exact: true })).toBeVisible();
    await expect(row(page, 'zh-CN', 'report.pdf').getByRole('button', { name: WORDS['zh-CN'].details, exact: true })).toBeVisible();
    await expect(page.getByText('No downloads yet')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Settings', exact: true })).toHaveCount(0);
    expect(((await engine.api.get('/api/settings')).json as { language: string }).language).toBe('zh-CN');
    await page.getByRole('group', { name: '筛选' }).getByRole('button', { name: '已完成', exact: true }).click();
    await expect(page.getByText('1 / 3 个下载', { exact: true })).toBeVisible();
    await page.getByRole('group', { name: '筛选' }).getByRole('button', { name: '全部', exact: true }).click();
    await screenshotStates(page, 'main-zh-CN');

    // Remembered by the engine: a fresh page of this English browser opens in Chinese.
    await page.reload();
    await expectThree(page, 'zh-CN');

    await chooseLanguage(page, 'zh-CN', '跟随系统（English）', 'en');
    await expectThree(page, 'en');
    expect(((await engine.api.get('/api/settings')).json as { language: string }).language).toBe('system');
  });
});

test.describe('a Chinese browser', () => {
  test.use({ locale: 'zh-CN' });

  test('opens in Simplified Chinese by itself, adds through the Chinese dialog, and English can be chosen', async ({ page, origin }) => {
    origin.setFile('/report.pdf', { content: randomBytesSeeded(300 * 1024, 173) });
    await expect(page.getByText('还没有下载', { exact: true })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

    await page.getByRole('button', { name: '添加', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: '添加下载', exact: true });
    await dialog.getByRole('radio', { name: '链接 (URL)', exact: true }).check();
    await dialog.getByLabel('链接（每行一个）', { exact: true }).fill(origin.url('/report.pdf'));
    await expect(dialog.getByRole('region', { name: '列表预览', exact: true }).getByText('将添加 1 个下载', { exact: true })).toBeVisible();
    await screenshotStates(page, 'add-dialog-zh-CN');
    await dialog.getByRole('button', { name: '添加', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(says(row(page, 'zh-CN', 'report.pdf'), '已完成')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByText('1 个下载', { exact: true })).toBeVisible();

    await row(page, 'zh-CN', 'report.pdf').getByRole('button', { name: '详情', exact: true }).click();
    const details = page.getByRole('region', { name: 'report.pdf 的详情', exact: true });
    await expect(details.getByRole('columnheader', { name: '尝试', exact: true })).toBeVisible();
    await expect(details.getByRole('list', { name: '下载经过（文字）' }).getByRole('listitem').first()).toHaveText(/^第 1 次尝试：0% → 100% ✓ 于 \d\d:\d\d:\d\d 完成/);
    await screenshotStates(page, 'details-zh-CN');
    await details.getByRole('button', { name: '关闭详情', exact: true }).click();

    await chooseLanguage(page, 'zh-CN', 'English', 'en');
    await expect(page.getByText('1 download', { exact: true })).toBeVisible();
    await expect(says(row(page, 'en', 'report.pdf'), 'Completed')).toBeVisible();
  });
});
