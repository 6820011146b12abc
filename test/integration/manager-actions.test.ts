import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const SIZE = 1024 * 1024;
const content = randomBytesSeeded(SIZE, 21);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('user actions', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('pause keeps the partial; resume continues from it without refetching', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(2 * SIZE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > SIZE / 4);
    const paused = await engine.manager.pause(id);
    expect(paused.status).toBe('paused');
    expect(paused.failed_count).toBe(0);
    const kept = Number(paused.downloaded_bytes);
    expect(kept).toBeGreaterThan(SIZE / 4);
    expect(statSync(paused.path).size).toBe(kept);

    origin.throttle(null);
    await engine.manager.resume(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(done.failed_count).toBe(0);
    expect(origin.requests[1]!.headers.range).toBe(`bytes=${kept}-`);
    expect(engine.store.listAttempts(id).map((a) => a.error_message)).toEqual(['Paused', null]);
  });

  it('pause and resume of a download waiting for its retry', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'status', status: 503 });
    engine = startEngine({ settings: { initial_delay_seconds: 30 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'retrying');
    const paused = await engine.manager.pause(id);
    expect(paused.status).toBe('paused');
    expect(paused.retry_info.next_retry_at).toBeNull();
    // Resume skips the rest of the 30 s countdown.
    await engine.manager.resume(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.failed_count).toBe(1);
  });

  it('cancel deletes the partial; restart downloads again from 0', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(2 * SIZE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const moving = await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 0);
    const cancelled = await engine.manager.cancel(id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.downloaded_bytes).toBe('0');
    expect(existsSync(moving.path)).toBe(false);

    origin.throttle(null);
    const restarted = await engine.manager.restart(id);
    expect(restarted.failed_count).toBe(0);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(origin.requests[1]!.headers.range).toBeUndefined();
  });

  it('restart of a failed download resets failed_count and keeps its partial', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 }, ...Array.from({ length: 4 }, () => ({ kind: 'status', status: 503 }) as const));
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.failed_count).toBe(5);
    const kept = Number(failed.downloaded_bytes);
    expect(kept).toBeGreaterThan(0);

    const restarted = await engine.manager.restart(id);
    expect(restarted.failed_count).toBe(0);
    expect(restarted.error_message).toBeNull();
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(origin.requests.at(-1)!.headers.range).toBe(`bytes=${kept}-`);
  });

  it('actions that do not fit the state are refused with INVALID_STATE, unknown ids with NOT_FOUND', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'completed');
    await expect(engine.manager.restart(id)).rejects.toMatchObject({ code: 'INVALID_STATE', message: 'Cannot restart a download that is completed' });
    await expect(engine.manager.pause(id)).rejects.toBeInstanceOf(ApiRequestError);
    await expect(engine.manager.cancel(id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(engine.manager.get('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.api.get('../etc')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.api.add({ url: 'ftp://127.0.0.1/x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await engine.manager.list()).toHaveLength(1);
  });

  it('never runs more than max_concurrent downloads at once', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(8 * SIZE);
    engine = startEngine({ settings: { max_concurrent: 2 } });
    let most = 0;
    engine.manager.onChanged(async () => {
      const active = (await engine.manager.list()).filter((s) => s.status === 'downloading').length;
      most = Math.max(most, active);
    });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await engine.manager.add({ url: origin.url('/f.bin') })).id);
    for (const id of ids) await engine.waitForStatus(id, 'completed');
    expect(most).toBe(2);
    // Five files, five distinct names, every one complete.
    const names = readdirSync(engine.downloads).sort();
    expect(names).toEqual(['f (1).bin', 'f (2).bin', 'f (3).bin', 'f (4).bin', 'f.bin']);
    for (const name of names) expect(readFileSync(join(engine.downloads, name)).equals(content)).toBe(true);
  });

  it('remove deletes the record, and the file only when asked', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    engine = startEngine();
    const a = await engine.manager.add({ url: origin.url('/f.bin') });
    const doneA = await engine.waitForStatus(a.id, 'completed');
    await engine.manager.remove(a.id);
    expect(existsSync(doneA.path)).toBe(true);
    await expect(engine.manager.get(a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const b = await engine.manager.add({ url: origin.url('/f.bin') });
    const doneB = await engine.waitForStatus(b.id, 'completed');
    await engine.manager.remove(b.id, { delete_file: true });
    expect(existsSync(doneB.path)).toBe(false);
    expect(engine.store.listDownloads()).toHaveLength(0);
  });
});

describe('change source', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('a new link to the same file (same size and ETag) keeps the partial; a plain failure waits for Restart', async () => {
    origin = await startFaultOrigin({ '/old.bin': { content, etag: '"v"' }, '/new.bin': { content, etag: '"v"' } });
    // A 404 is not an expired link (expired-links.test.ts): Change link leaves it failed.
    origin.script('/old.bin', { kind: 'drop-after', bytes: SIZE / 2 }, { kind: 'status', status: 404 });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/old.bin') });
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.error_code).toBe('NOT_FOUND');
    const kept = Number(failed.downloaded_bytes);

    const changed = await engine.manager.changeSource(id, origin.url('/new.bin'));
    expect(changed.status).toBe('failed');
    expect(changed.source).toEqual({ kind: 'http', url: origin.url('/new.bin') });
    await engine.manager.restart(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(origin.bytesSent('/new.bin')).toBe(SIZE - kept);
    expect(done.notice).toBeNull();
  });

  it('a new link to a different file is refused with the partial kept; Restart takes the new file from 0', async () => {
    const other = randomBytesSeeded(SIZE, 22);
    origin = await startFaultOrigin({ '/old.bin': { content, etag: '"a"' }, '/new.bin': { content: other, etag: '"b"' } });
    origin.throttle(2 * SIZE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/old.bin') });
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 0);
    const paused = await engine.manager.pause(id);
    const partial = join(engine.downloads, 'old.bin.partial');
    const before = readFileSync(partial);
    origin.throttle(null);
    await engine.manager.changeSource(id, origin.url('/new.bin'));
    await engine.manager.resume(id);
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.error_code).toBe('FILE_CHANGED');
    expect(failed.downloaded_bytes).toBe(paused.downloaded_bytes);
    expect(readFileSync(partial).equals(before)).toBe(true);
    expect(before.equals(content.subarray(0, before.length))).toBe(true);
    await engine.manager.restart(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(other)).toBe(true);
    expect(origin.requests.at(-1)!.headers.range).toBeUndefined();
  });

  it('is refused while downloading', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(SIZE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'downloading');
    await expect(engine.manager.changeSource(id, origin.url('/g.bin'))).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });
});

describe('files on disk', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it("uses the server's Content-Disposition name, sanitised, and never writes outside the folder", async () => {
    origin = await startFaultOrigin({ '/dl': { content, contentDisposition: 'attachment; filename="../../evil.sh"' } });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/dl?id=1') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.filename).toBe('evil.sh');
    expect(done.path).toBe(join(engine.downloads, 'evil.sh'));
    expect(readdirSync(engine.root).sort()).toEqual(['downloads', 'steadfast.db', 'steadfast.db-shm', 'steadfast.db-wal']);
  });

  it('a user-chosen name wins and a taken name becomes "name (1).ext"', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content, contentDisposition: 'attachment; filename="server.bin"' } });
    engine = startEngine();
    mkdirSync(engine.downloads, { recursive: true });
    writeFileSync(join(engine.downloads, 'report.pdf'), 'mine');
    const { id } = await engine.manager.add({ url: origin.url('/f.bin'), filename: 'report.pdf' });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.filename).toBe('report (1).pdf');
    expect(readFileSync(join(engine.downloads, 'report.pdf'), 'utf8')).toBe('mine');
  });

  it('a matching SHA-256 completes; a wrong one fails and keeps the .partial name', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    engine = startEngine();
    // Through the API's edge, which takes any case of hex digits.
    const good = await engine.api.add({ url: origin.url('/f.bin'), sha256: sha256(content).toUpperCase() });
    expect((await engine.waitForStatus(good.id, 'completed')).expected_sha256).toBe(sha256(content));
    const bad = await engine.manager.add({ url: origin.url('/f.bin'), sha256: '0'.repeat(64) });
    const failed = await engine.waitForStatus(bad.id, 'failed');
    expect(failed.error_code).toBe('CHECKSUM_MISMATCH');
    expect(failed.failed_count).toBe(1);
    expect(failed.path.endsWith('.partial')).toBe(true);
    expect(readFileSync(failed.path).equals(content)).toBe(true);
  });

  it('fails at once with "Not enough disk space" when the announced size cannot fit', async () => {
    origin = await startFaultOrigin({});
    // Announce a petabyte; no byte of it is ever sent.
    origin.script('/huge.iso', { kind: 'status', status: 200, headers: { 'content-length': String(2 ** 50) } });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/huge.iso') });
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.error_code).toBe('NOT_ENOUGH_SPACE');
    expect(failed.error_message).toMatch(/^Not enough disk space: need 1 PB, have [\d.]+ [KMGT]?B$/);
    expect(failed.failed_count).toBe(1);
  });
});
