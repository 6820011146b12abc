/**
 * Lists (issue 17): many downloads at once from a pasted or dropped list (aria2's input-file
 * format understood), previewed before anything is added; a link dragged onto the window; the
 * list exported as links or as JSON. Chromium drives the built UI of a real `steadfast serve`
 * against the fault origin; the REST API only reads state for the assertions.
 *
 * Screenshots: test-results/screenshots/lists-{light,dark}.png (the preview of a list).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { addUrls, expect, row, screenshotStates, sha256, sha256File, statusBadge, test } from './fixtures.js';

const addDialog = (page: Page) => page.getByRole('dialog', { name: 'Add download' });
/** By role: a label's text as getByLabel reads it would include the box's own value. */
const box = (page: Page) => addDialog(page).getByRole('textbox', { name: 'URLs (one per line)', exact: true });

/** A paste on the window outside any text field, as Ctrl+V there would send it. */
async function pasteOnWindow(page: Page, text: string): Promise<void> {
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** A drag over the window and a drop of `items` (a file's text, or data of the given types), as a real drag sends them. */
async function dropOnWindow(page: Page, items: { file?: { name: string; text: string }; data?: Record<string, string> }): Promise<void> {
  const transfer = await page.evaluateHandle(({ file, data }) => {
    const transfer = new DataTransfer();
    if (file) transfer.items.add(new File([file.text], file.name, { type: 'text/plain' }));
    for (const [type, value] of Object.entries(data ?? {})) transfer.setData(type, value);
    return transfer;
  }, items);
  await page.locator('main').dispatchEvent('dragenter', { dataTransfer: transfer });
  await page.locator('main').dispatchEvent('dragover', { dataTransfer: transfer });
  await expect(page.getByText('Drop links or a list of links to add them')).toBeVisible();
  await page.locator('main').dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByText('Drop links or a list of links to add them')).toBeHidden();
}

test('a pasted aria2 list is previewed with its problems by line, added, and what was not added stays in the box', async ({ page, origin, engine }) => {
  const files = [1, 2, 3].map((n) => ({ path: `/list-${n}.bin`, content: randomBytesSeeded(300 * 1024 + n * 1000, 190 + n) }));
  for (const file of files) origin.setFile(file.path, { content: file.content });
  // The second one is cut on its first attempt and completes on the retry.
  origin.script('/list-2.bin', { kind: 'drop-after', bytes: 100 * 1024 });
  const list = [
    '# downloads for tonight',
    `${origin.url('/list-1.bin')}\t${origin.url('/mirror/list-1.bin')}`,
    '  out=renamed-one.bin',
    'this is not a link',
    origin.url('/list-2.bin'),
    '  dir=music',
    '  split=4',
    'ftp://old.example/file.iso',
    origin.url('/list-3.bin'),
    '  header=Cookie: sid=e2e-secret-cookie',
    '  out=../../escape.bin',
    origin.url('/list-3.bin'),
    '  header=Cookie: sid=e2e-secret-cookie',
  ].join('\r\n');

  await pasteOnWindow(page, list);
  await expect(addDialog(page)).toBeVisible();
  await expect(box(page)).toHaveValue(list.replaceAll('\r\n', '\n'));
  const preview = addDialog(page).getByRole('region', { name: 'List preview' });
  await expect(preview.getByText('3 downloads to add')).toBeVisible();
  await expect(preview.getByText('3 lines with a problem')).toBeVisible();
  const problems = preview.getByRole('list', { name: 'Lines with a problem' });
  await expect(problems.getByRole('listitem')).toHaveText([
    'Line 4: not a linkthis is not a link',
    'Line 8: ftp: links cannot be downloaded: only http://, https:// and s3://ftp://old.example/file.iso',
    `Line 11: out=../../escape.bin is not a file name: put folders in dir=${origin.url('/list-3.bin')}`,
  ]);
  const notes = preview.getByRole('list', { name: 'Read but not used' });
  await expect(notes.getByRole('listitem')).toHaveText([
    'Line 2: 1 mirror link is not used: Steadfast downloads from the first link',
    'Line 7: option split is not used by Steadfast',
  ]);
  const toAdd = preview.getByRole('list', { name: 'Downloads to add' }).getByRole('listitem');
  await expect(toAdd).toHaveCount(3);
  await expect(toAdd.nth(0)).toContainText('as renamed-one.bin');
  await expect(toAdd.nth(1)).toContainText(join(engine.downloadDir, 'music'));
  await expect(toAdd.nth(2)).toContainText('Cookie');
  // Header values are never shown, not even in the preview.
  await expect(preview).not.toContainText('e2e-secret-cookie');
  await screenshotStates(page, 'lists');

  await addDialog(page).getByRole('button', { name: 'Add', exact: true }).click();
  await expect(addDialog(page).getByText('3 of 3 added; the lines left in the box were not.')).toBeVisible();
  // Only the lines with problems are left, whole, in the list's order.
  await expect(box(page)).toHaveValue(
    ['this is not a link', 'ftp://old.example/file.iso', origin.url('/list-3.bin'), '  header=Cookie: sid=e2e-secret-cookie', '  out=../../escape.bin'].join('\n'),
  );
  await expect(preview.getByText('0 downloads to add')).toBeVisible();
  await addDialog(page).getByRole('button', { name: 'Close' }).click();

  for (const name of ['renamed-one.bin', 'list-2.bin', 'list-3.bin']) await expect(statusBadge(row(page, name), 'Completed')).toBeVisible();
  const one = await engine.download('renamed-one.bin');
  const two = await engine.download('list-2.bin');
  const three = await engine.download('list-3.bin');
  expect(one.path).toBe(join(engine.downloadDir, 'renamed-one.bin'));
  expect(two.path).toBe(join(engine.downloadDir, 'music', 'list-2.bin'));
  expect(two.failed_count).toBe(1);
  expect(three.request_headers).toEqual(['Cookie']);
  expect(sha256File(one.path)).toBe(sha256(files[0]!.content));
  expect(sha256File(two.path)).toBe(sha256(files[1]!.content));
  expect(sha256File(three.path)).toBe(sha256(files[2]!.content));
  expect(origin.requests.filter((r) => r.path === '/list-3.bin').every((r) => r.headers.cookie === 'sid=e2e-secret-cookie')).toBe(true);
  expect(origin.requests.filter((r) => r.path.startsWith('/mirror'))).toEqual([]);
});

test('a list dropped on the window or opened from a file fills the box; the failures of adding keep their lines and errors', async ({ page, origin, engine }) => {
  origin.setFile('/dropped-a.bin', { content: randomBytesSeeded(50 * 1024, 201) });
  origin.setFile('/opened.bin', { content: randomBytesSeeded(40 * 1024, 202) });
  const dropped = `\uFEFF${origin.url('/dropped-a.bin')}\r\n  out=from-drop.bin\r\n${origin.url('/dropped-b.bin')}\r\n  dir=/not/allowed/folder\r\n`;
  await dropOnWindow(page, { file: { name: 'links.txt', text: dropped } });
  await expect(addDialog(page)).toBeVisible();
  await expect(box(page)).toHaveValue(`${origin.url('/dropped-a.bin')}\n  out=from-drop.bin\n${origin.url('/dropped-b.bin')}\n  dir=/not/allowed/folder\n`);

  // A second list, opened with the file picker, goes below the first.
  await addDialog(page).getByLabel('open a list of links').setInputFiles({
    name: 'more.list',
    mimeType: 'text/plain',
    buffer: Buffer.from(`# more\n${origin.url('/opened.bin')}\n`),
  });
  await expect(addDialog(page).getByText('3 downloads to add')).toBeVisible();

  await addDialog(page).getByRole('button', { name: 'Add', exact: true }).click();
  // The server refuses the folder outside its allowed ones: that entry stays, with the reason.
  const notAdded = addDialog(page).getByRole('list', { name: 'Not added' }).getByRole('listitem');
  await expect(notAdded).toHaveCount(1);
  await expect(notAdded).toContainText(`Line 3: ${origin.url('/dropped-b.bin')}: `);
  await expect(notAdded).toContainText('allowed');
  await expect(addDialog(page).getByText('2 of 3 added; the lines left in the box were not.')).toBeVisible();
  await expect(box(page)).toHaveValue(`${origin.url('/dropped-b.bin')}\n  dir=/not/allowed/folder`);
  await addDialog(page).getByRole('button', { name: 'Close' }).click();

  await expect(statusBadge(row(page, 'from-drop.bin'), 'Completed')).toBeVisible();
  await expect(statusBadge(row(page, 'opened.bin'), 'Completed')).toBeVisible();
  expect((await engine.downloads()).map((d) => d.filename).sort()).toEqual(['from-drop.bin', 'opened.bin']);
});

test('a link dragged onto the window opens the Add dialog with it; a file that is no list is refused', async ({ page, origin, engine }) => {
  const content = randomBytesSeeded(80 * 1024, 211);
  origin.setFile('/dragged.bin', { content });
  await dropOnWindow(page, { data: { 'text/uri-list': `# from a page\r\n${origin.url('/dragged.bin')}\r\n`, 'text/plain': 'ignored when a uri-list is there' } });
  await expect(box(page)).toHaveValue(origin.url('/dragged.bin'));
  await expect(addDialog(page).getByText('1 download to add')).toBeVisible();
  await addDialog(page).getByRole('button', { name: 'Add', exact: true }).click();
  await expect(addDialog(page)).toBeHidden();
  await expect(statusBadge(row(page, 'dragged.bin'), 'Completed')).toBeVisible();
  expect(sha256File((await engine.download('dragged.bin')).path)).toBe(sha256(content));

  // Plain text dragged from anywhere works too.
  await dropOnWindow(page, { data: { 'text/plain': origin.url('/dragged.bin') } });
  await expect(box(page)).toHaveValue(origin.url('/dragged.bin'));
  await addDialog(page).getByRole('button', { name: 'Close' }).click();

  const transfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array([0x7f, 0x45, 0x4c, 0x46])], 'program.exe', { type: 'application/octet-stream' }));
    return transfer;
  });
  await page.locator('main').dispatchEvent('drop', { dataTransfer: transfer });
  await expect(page.getByRole('status').filter({ hasText: 'program.exe is not a text file of links' })).toBeVisible();
  await expect(addDialog(page)).toBeHidden();

  // Watching the clipboard is the desktop app's: the browser's Settings do not offer it.
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings.getByRole('checkbox', { name: 'Follow redirects from https:// to http:// (insecure)' })).toBeVisible();
  await expect(settings.getByRole('checkbox', { name: 'Offer to add links copied to the clipboard' })).toHaveCount(0);
});

test('the list exports as links without credentials, or as JSON with states and no header values', async ({ page, origin }) => {
  origin.setFile('/done.bin', { content: randomBytesSeeded(30 * 1024, 221) });
  origin.setFile('/private.bin', { content: randomBytesSeeded(30 * 1024, 222), requireHeaders: { cookie: 'sid=export-secret' } });
  origin.script('/gone.bin', { kind: 'status', status: 404 });
  const signedIn = origin.url('/private.bin').replace('http://', 'http://alice:pa55word@');
  await addUrls(page, [origin.url('/done.bin'), origin.url('/gone.bin')]);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await box(page).fill(`${origin.url('/private.bin')}\n  header=Cookie: sid=export-secret\n${signedIn}\n  out=signed.bin`);
  await addDialog(page).getByRole('button', { name: 'Add', exact: true }).click();
  await expect(addDialog(page)).toBeHidden();
  await expect(statusBadge(row(page, 'done.bin'), 'Completed')).toBeVisible();
  await expect(statusBadge(row(page, 'gone.bin'), 'Failed')).toBeVisible();
  await expect(statusBadge(row(page, 'private.bin'), 'Completed')).toBeVisible();
  await expect(statusBadge(row(page, 'signed.bin'), 'Failed')).toBeVisible();

  const exportAs = async (format: 'Links (.txt)' | 'JSON with states') => {
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Export the list' });
    await dialog.getByRole('radio', { name: format }).check();
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()]);
    await expect(dialog).toBeHidden();
    return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
  };

  const links = await exportAs('Links (.txt)');
  expect(links.name).toBe('steadfast-downloads.txt');
  expect(links.text).toBe([origin.url('/done.bin'), origin.url('/gone.bin'), origin.url('/private.bin'), origin.url('/private.bin'), ''].join('\n'));

  const json = await exportAs('JSON with states');
  expect(json.name).toBe('steadfast-downloads.json');
  const exported = JSON.parse(json.text) as { downloads: { url: string; filename: string; status: string; request_headers: string[]; error_code: string | null; downloaded_bytes: string }[] };
  expect(exported.downloads.map((d) => [d.filename, d.status, d.error_code])).toEqual([
    ['done.bin', 'completed', null],
    ['gone.bin', 'failed', 'NOT_FOUND'],
    ['private.bin', 'completed', null],
    ['signed.bin', 'failed', 'UNAUTHORIZED'],
  ]);
  expect(exported.downloads[0]!.downloaded_bytes).toBe(String(30 * 1024));
  expect(exported.downloads.map((d) => d.request_headers)).toEqual([[], [], ['Cookie'], ['Authorization']]);
  for (const secret of ['export-secret', 'pa55word', 'alice', 'YWxpY2U6']) {
    expect(json.text).not.toContain(secret);
    expect(links.text).not.toContain(secret);
  }

  // Only what the filter shows.
  await page.getByRole('group', { name: 'Filter' }).getByRole('button', { name: 'Failed' }).click();
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Export the list' });
  await dialog.getByRole('checkbox', { name: /Only the 2 shown/ }).check();
  await dialog.getByRole('radio', { name: 'Links (.txt)' }).check();
  const [filtered] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export', exact: true }).click()]);
  expect(readFileSync((await filtered.path())!, 'utf8')).toBe(`${origin.url('/gone.bin')}\n${origin.url('/private.bin')}\n`);
});
