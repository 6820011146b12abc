/**
 * The details view tells a download's story (issue 17): a bar the width of the file showing the
 * bytes each attempt fetched and where it ended, the same facts as text, a speed graph; and what
 * a finished download offers in the browser: Copy link, and the file itself through a link.
 *
 * Saves test-results/screenshots/story-{light,dark}.png and finished-{light,dark}.png.
 */
import { readFileSync } from 'node:fs';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { addUrls, expect, MiB, row, screenshotStates, sha256, statusBadge, test } from './fixtures.js';

test.describe('the story at a glance', () => {
  test.use({ engineSettings: { initial_delay_seconds: 1, connections: 1 } });

  test('a download cut at 60 % and at 75 % shows three attempts on the bar, in text, and a speed graph', async ({ page, origin }) => {
    const filename = 'story.bin';
    const size = 2 * MiB;
    const content = randomBytesSeeded(size, 171);
    const at60 = Math.ceil(size * 0.6);
    const at75 = size * 0.75;
    origin.setFile(`/${filename}`, { content });
    origin.throttle(1 * MiB);
    origin.script(`/${filename}`, { kind: 'drop-after', bytes: at60 }, { kind: 'drop-after', bytes: at75 - at60 });

    await addUrls(page, [origin.url(`/${filename}`)]);
    const item = row(page, filename);
    await expect(statusBadge(item, 'Completed')).toBeVisible({ timeout: 30_000 });
    await item.getByRole('button', { name: 'Details', exact: true }).click();
    const details = page.getByRole('region', { name: `Details of ${filename}`, exact: true });

    // The bar: one part per response, placed and sized by its bytes.
    const bar = details.getByRole('group', { name: 'Which bytes of the file each attempt and connection fetched' });
    const parts = bar.getByRole('img');
    await expect(parts).toHaveCount(3);
    const spans = await parts.evaluateAll((elements) =>
      elements.map((e) => [e.dataset['attempt'], e.dataset['connection'], e.dataset['start'], e.dataset['end']].map(Number)),
    );
    // Each cut is a reset, which may discard a few KiB still unread on this side: an attempt ends
    // at its cut or a little before, and the next one starts where it ended.
    const [cut1, cut2] = [spans[0]![3]!, spans[1]![3]!];
    expect(at60 - cut1).toBeGreaterThanOrEqual(0);
    expect(at60 - cut1).toBeLessThan(64 * 1024);
    expect(cut1 + (at75 - at60) - cut2).toBeGreaterThanOrEqual(0);
    expect(cut1 + (at75 - at60) - cut2).toBeLessThan(64 * 1024);
    expect(spans).toEqual([
      [1, 1, 0, cut1],
      [2, 1, cut1, cut2],
      [3, 1, cut2, size],
    ]);
    const barBox = (await bar.boundingBox())!;
    const widths = await Promise.all([0, 1, 2].map(async (i) => (await parts.nth(i).boundingBox())!.width / barBox.width));
    expect(widths[0]).toBeCloseTo(cut1 / size, 2);
    expect(widths[1]).toBeCloseTo((cut2 - cut1) / size, 2);
    expect(widths[2]).toBeCloseTo((size - cut2) / size, 2);
    // Where attempt 1 ended, and why: on hover and on keyboard focus alike.
    await expect(parts.nth(0)).toHaveAccessibleName(/^Attempt 1, connection 1: 0 B → 1\.2 MB \(0 % → (5[6-9]|60) %\); ✗ failed at .+: .*connection/i);
    await parts.nth(1).hover();
    await expect(details.getByText(/^Attempt 2, connection 1: .* \((5[6-9]|60) % → (7[1-5]) %\); ✗ failed at/)).toBeVisible();
    await parts.nth(2).focus();
    await expect(details.getByText(/^Attempt 3, connection 1: .* \((7[1-5]) % → 100 %\); ✓ completed at/)).toBeVisible();

    // The same facts as text: in the page for screen readers, shown on demand.
    const list = details.getByRole('list', { name: 'The story as text' });
    const lines = list.locator(':scope > li');
    await expect(lines).toHaveCount(3);
    await expect(lines.nth(0)).toHaveText(/^Attempt 1: 0 % → (5[6-9]|60) % ✗ failed at [^:]+:\d\d:\d\d.*: /);
    await expect(lines.nth(1)).toHaveText(/^Attempt 2: (5[6-9]|60) % → (7[1-5]) % ✗ failed at /);
    await expect(lines.nth(2)).toHaveText(/^Attempt 3: (7[1-5]) % → 100 % ✓ completed at /);
    await expect(list).not.toBeInViewport();
    await details.getByRole('button', { name: 'Show as text' }).click();
    await expect(details.getByRole('button', { name: 'Hide text' })).toHaveAttribute('aria-expanded', 'true');
    await expect(list).toBeVisible();

    // The speed graph: one curve per attempt, the ends of the two failed ones in red.
    const graph = details.getByRole('img', { name: /^Speed over .*: peak .+\/s, average .+\/s while downloading$/ });
    await expect(graph).toBeVisible();
    await expect(graph.locator('polygon')).toHaveCount(3);
    await expect(graph.locator('line.speed__end--failed')).toHaveCount(2);

    // By keyboard, so the focus ring shows in the screenshots.
    await parts.nth(1).focus();
    await page.keyboard.press('Shift+Tab');
    await expect(parts.nth(0)).toBeFocused();
    await expect(details.getByText(/^Attempt 1, connection 1: .*; ✗ failed at/)).toBeVisible();
    await screenshotStates(page, 'story');
  });
});

test.describe('a finished download in the browser', () => {
  test.use({ engineSettings: { initial_delay_seconds: 1 } });

  test('Copy link copies the address without its password; Download file hands the browser the file', async ({ page, context, origin, engine }) => {
    const filename = 'report.pdf';
    const content = randomBytesSeeded(3 * MiB, 172);
    const signIn = `Basic ${Buffer.from('ann:s3cret').toString('base64')}`;
    origin.setFile(`/${filename}`, { content, requireHeaders: { authorization: signIn } });
    const address = origin.url(`/${filename}`);
    await addUrls(page, [address.replace('http://', 'http://ann:s3cret@')]);
    const item = row(page, filename);
    await expect(statusBadge(item, 'Completed')).toBeVisible({ timeout: 30_000 });
    await item.getByRole('button', { name: 'Details', exact: true }).click();
    const details = page.getByRole('region', { name: `Details of ${filename}`, exact: true });

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${engine.port}` });
    await details.getByRole('button', { name: 'Copy link', exact: true }).click();
    await expect(details.getByRole('status')).toHaveText('Link copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(address);

    const downloading = page.waitForEvent('download');
    await details.getByRole('button', { name: 'Download file', exact: true }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(filename);
    expect(download.url()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${engine.port}/files/[A-Za-z0-9_-]{43}$`));
    expect(download.url()).not.toContain(engine.token);
    expect(sha256(readFileSync((await download.path())!))).toBe(sha256(content));
    await screenshotStates(page, 'finished');
  });
});
