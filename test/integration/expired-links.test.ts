import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;
const SIZE = 2 * MiB;
const v1 = randomBytesSeeded(SIZE, 301);
const v2 = randomBytesSeeded(SIZE, 302);
const LOGIN_PAGE = { kind: 'status', status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<!doctype html><title>Sign in</title>' } as const;

/**
 * ARCHITECTURE.md §4 "Not this file": a resume answered by something that is not the file
 * (an expired link's web page, a refusal, another size or version) fails the download with the
 * partial untouched, and a fresh link continues it.
 */
describe('expired links and changed files', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  const partialBytes = () => readFileSync(join(engine.downloads, 'f.bin.partial'));
  const host = () => `127.0.0.1:${origin.port}`;
  const percent = (s: DownloadSnapshot) => `${Math.floor((Number(s.downloaded_bytes) / SIZE) * 100)} %`;

  /** One connection, cut at half: returns the retrying snapshot and the partial's bytes at that point. */
  async function cutAtHalf(then: Parameters<FaultOrigin['script']>[1][]) {
    origin = await startFaultOrigin({ '/f.bin': { content: v1, etag: '"one"' }, '/fresh.bin': { content: v1, etag: '"one"' }, '/other.bin': { content: v2, etag: '"two"' } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 }, ...then);
    engine = startEngine({ settings: { initial_delay_seconds: 0.5 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const retrying = await engine.waitForStatus(id, 'retrying');
    const before = partialBytes();
    expect(before.length).toBe(Number(retrying.downloaded_bytes));
    expect(before.equals(v1.subarray(0, before.length))).toBe(true);
    return { id, retrying, before };
  }

  /** The refused download: failed at once, nothing of the answer written, its offset as it was. */
  async function expectKept(id: string, retrying: DownloadSnapshot, before: Buffer, requests: number) {
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.downloaded_bytes).toBe(retrying.downloaded_bytes);
    expect(partialBytes().equals(before)).toBe(true);
    expect(existsSync(join(engine.downloads, 'f.bin'))).toBe(false);
    // Failed at once: no further attempt is spent on an answer that would repeat.
    expect(engine.store.listAttempts(id).map((a) => a.error_code)).toEqual(['CONNECTION_RESET', failed.error_code]);
    expect(origin.requests.length).toBe(requests);
    return failed;
  }

  it('an expired link answers the resume with a web page: failed with the reason, the partial untouched', async () => {
    const { id, retrying, before } = await cutAtHalf([LOGIN_PAGE]);
    const failed = await expectKept(id, retrying, before, 2);
    expect(failed.error_code).toBe('LINK_EXPIRED');
    expect(failed.error_message).toBe(
      `The link no longer gives this file (${host()} sent a web page). The partial file is kept: paste a fresh link with Change link to continue from ${percent(retrying)}, or Restart to download from the start what the link gives now.`,
    );
  });

  it.each([
    [403, 'HTTP 403 Forbidden'],
    [401, 'HTTP 401, a login is needed'],
    [410, 'HTTP 410 Gone'],
  ])('a link that answers %i once bytes were received: failed as expired, the partial untouched', async (status, words) => {
    const { id, retrying, before } = await cutAtHalf([{ kind: 'status', status }]);
    const failed = await expectKept(id, retrying, before, 2);
    expect(failed.error_code).toBe('LINK_EXPIRED');
    expect(failed.error_message).toContain(`(${host()} refused access: ${words}). The partial file is kept`);
  });

  it('a link that now gives a file of another size: FILE_CHANGED, saying both sizes, the partial untouched', async () => {
    const { id, retrying, before } = await cutAtHalf([]);
    origin.setFile('/f.bin', { content: Buffer.concat([v1, v2]), etag: '"one"' });
    const failed = await expectKept(id, retrying, before, 2);
    expect(failed.error_code).toBe('FILE_CHANGED');
    expect(failed.error_message).toBe(
      `The link now gives a different file (${host()}: its size is 4 MB instead of 2 MB). The partial file is kept: Change link to a link for the same file to continue from ${percent(retrying)}, or Restart to download the new file from the start.`,
    );
  });

  it('Change link to a fresh link for the same file continues from the partial and sends only the rest', async () => {
    const { id, retrying, before } = await cutAtHalf([LOGIN_PAGE]);
    await expectKept(id, retrying, before, 2);
    const changed = await engine.manager.changeSource(id, origin.url('/fresh.bin'));
    // Queued (and started) at once, with the error cleared: the fresh link is the way on.
    expect(changed).toMatchObject({ error_code: null, failed_count: 0 });
    expect(['queued', 'downloading']).toContain(changed.status);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(v1)).toBe(true);
    expect(origin.bytesSent('/fresh.bin')).toBe(SIZE - before.length);
    expect(origin.requests.at(-1)!.headers.range).toBe(`bytes=${before.length}-`);
    expect(done.notice).toBeNull();
  });

  it('Change link to a different file is refused with the reason, the partial still untouched; Restart then takes it from 0', async () => {
    const { id, retrying, before } = await cutAtHalf([LOGIN_PAGE]);
    await expectKept(id, retrying, before, 2);
    await engine.manager.changeSource(id, origin.url('/other.bin'));
    const refused = await engine.waitFor(id, (s) => s.status === 'failed' && s.error_code === 'FILE_CHANGED');
    expect(refused.error_message).toContain(`(${host()}: another version of it)`);
    expect(refused.downloaded_bytes).toBe(retrying.downloaded_bytes);
    expect(partialBytes().equals(before)).toBe(true);
    // Its If-Range named the partial's version, so the server sent its whole other file: refused unread.
    expect(origin.requests.filter((r) => r.path === '/other.bin').map((r) => [r.headers['if-range'], r.status])).toEqual([['"one"', 200]]);

    await engine.manager.restart(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(v2)).toBe(true);
    expect(origin.requests.at(-1)!.headers.range).toBeUndefined();
  });

  it('a split download whose range gets the web page: failed, every recorded range kept', async () => {
    const content = randomBytesSeeded(8 * MiB, 303);
    origin = await startFaultOrigin({ '/f.bin': { content, etag: '"one"' } });
    // The first response is split; the first range asked for after it gets the login page.
    origin.script('/f.bin', { kind: 'pass' }, LOGIN_PAGE);
    origin.throttle(4 * MiB);
    engine = startEngine({ settings: { connections: 4 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.error_code).toBe('LINK_EXPIRED');
    expect(Number(failed.downloaded_bytes)).toBeGreaterThan(0);
    // How far it got once every connection recorded its bytes, not when the page arrived.
    const got = `${Math.floor((Number(failed.downloaded_bytes) / content.length) * 100)} %`;
    expect(failed.error_message).toMatch(new RegExp(`^The link no longer gives this file \\(${host()} sent a web page\\)\\. .* continue from ${got},`));
    expect(failed.failed_count).toBe(1);
    // The ranges are kept, and each one's recorded bytes are the file's own.
    const segments = engine.store.listSegments(id);
    expect(segments.length).toBeGreaterThan(1);
    const partial = readFileSync(join(engine.downloads, 'f.bin.partial'));
    const recorded = segments.reduce((sum, s) => sum + s.done, 0);
    expect(failed.downloaded_bytes).toBe(String(recorded));
    for (const s of segments) expect(partial.subarray(s.start, s.start + s.done).equals(content.subarray(s.start, s.start + s.done))).toBe(true);
    expect(existsSync(join(engine.downloads, 'f.bin'))).toBe(false);
  });

  it('a fresh download named as a zip that gets a web page saves nothing', async () => {
    origin = await startFaultOrigin();
    origin.script('/report.zip', LOGIN_PAGE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/report.zip') });
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed).toMatchObject({ error_code: 'LINK_EXPIRED', failed_count: 1, downloaded_bytes: '0' });
    expect(failed.error_message).toBe(
      `${host()} sent a web page instead of report.zip (a login or expired-link page, most often); nothing was saved. Paste a fresh link with Change link.`,
    );
    expect(existsSync(join(engine.downloads, 'report.zip'))).toBe(false);
    expect(existsSync(join(engine.downloads, 'report.zip.partial'))).toBe(false);
  });

  it('a fresh download of a page (a name that may be one) is saved as sent', async () => {
    origin = await startFaultOrigin();
    origin.script('/docs/Node.js', LOGIN_PAGE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/docs/Node.js') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path, 'utf8')).toBe(LOGIN_PAGE.body);
  });

  it('a file that is a page itself (its partial begins like one) may be answered with the page again: no expired link', async () => {
    const page = Buffer.concat([Buffer.from('<!DOCTYPE html>\n<title>Guide</title>\n'), randomBytesSeeded(SIZE, 304)]);
    origin = await startFaultOrigin({ '/docs/guide': { content: page, etag: '"g"', headers: { 'Content-Type': 'text/html' } } });
    origin.script('/docs/guide', { kind: 'drop-after', bytes: SIZE / 2 }, { kind: 'ignore-range' });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/docs/guide') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(page)).toBe(true);
    expect(origin.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(done.notice).toBe('The server does not support resuming; downloading again from the start.');
  });

  it('a file with no telling name whose partial is not a page: the page in answer is refused', async () => {
    origin = await startFaultOrigin({ '/download': { content: v1, etag: '"one"' } });
    origin.script('/download', { kind: 'drop-after', bytes: SIZE / 2 }, LOGIN_PAGE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/download') });
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.error_code).toBe('LINK_EXPIRED');
    const partial = readFileSync(join(engine.downloads, 'download.partial'));
    expect(partial.length).toBe(Number(failed.downloaded_bytes));
    expect(partial.equals(v1.subarray(0, partial.length))).toBe(true);
  });
});
