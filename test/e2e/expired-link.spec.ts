/**
 * An expired link, end to end (ARCHITECTURE.md §4 "Not this file"): the resume is answered with
 * a login page, the row says so and puts Change link first, and a fresh link continues the
 * partial through the UI.
 */
import { join } from 'node:path';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { addUrls, expect, MiB, requestsFor, row, screenshotStates, sha256, sha256File, statusBadge, test } from './fixtures.js';

// One connection: the resume of a single range, so the partial is exactly the half received.
test.use({ engineSettings: { initial_delay_seconds: 0.2, connections: 1 } });

test('a link that expires mid-download: the row offers Change link first, and a fresh link continues from the partial', async ({ page, origin, engine }) => {
  const filename = 'movie.mp4';
  const size = 2 * MiB;
  const content = randomBytesSeeded(size, 151);
  origin.setFile(`/${filename}`, { content, etag: '"one"' });
  origin.setFile('/fresh/movie.mp4', { content, etag: '"one"' });
  origin.script(
    `/${filename}`,
    { kind: 'drop-after', bytes: size / 2 },
    { kind: 'status', status: 200, headers: { 'Content-Type': 'text/html' }, body: '<!doctype html><title>Sign in</title>' },
  );

  await addUrls(page, [origin.url(`/${filename}`)]);
  const item = row(page, filename);
  await expect(statusBadge(item, 'Failed')).toBeVisible({ timeout: 20_000 });
  // The cut is a reset, which may discard a few KiB still unread here: "50 %" or a little less.
  await expect(item.getByText(/^The link no longer gives this file \(127\.0\.0\.1:\d+ sent a web page\)\. The partial file is kept: paste a fresh link with Change link to continue from (4[6-9]|50) %/)).toBeVisible();
  // The first button, and the primary one: Restart would start from 0.
  const first = item.getByRole('button').first();
  await expect(first).toHaveText('Change link');
  await expect(first).toHaveClass(/primary/);
  await expect(item.getByRole('button', { name: 'Restart', exact: true })).not.toHaveClass(/primary/);
  expect(requestsFor(origin, `/${filename}`).map((r) => r.status)).toEqual([200, 200]);
  await screenshotStates(page, 'link-expired');

  await first.click();
  const dialog = page.getByRole('dialog', { name: `New link for ${filename}` });
  await dialog.getByLabel('New link', { exact: true }).fill(origin.url('/fresh/movie.mp4'));
  await dialog.getByRole('button', { name: 'Change link', exact: true }).click();
  await expect(dialog).toBeHidden();

  await expect(statusBadge(item, 'Completed')).toBeVisible({ timeout: 20_000 });
  expect(sha256File(join(engine.downloadDir, filename))).toBe(sha256(content));
  // Only the rest came over the fresh link: from where the partial ended (the cut, or a little before).
  const rest = origin.bytesSent('/fresh/movie.mp4');
  expect(rest).toBeGreaterThanOrEqual(size / 2);
  expect(rest).toBeLessThan(size / 2 + 64 * 1024);
  expect(requestsFor(origin, '/fresh/movie.mp4').map((r) => [r.headers.range, r.status])).toEqual([[`bytes=${size - rest}-`, 206]]);
});
