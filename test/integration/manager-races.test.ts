import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const SIZE = 1024 * 1024;
const content = randomBytesSeeded(SIZE, 61);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** User actions that race with the engine's own work: each of these once went wrong. */
describe('races between actions and attempts', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('a queued download cancelled while a slot frees stays cancelled', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content }, '/b.bin': { content } });
    origin.throttle(SIZE);
    engine = startEngine({ settings: { max_concurrent: 1 } });
    const a = await engine.manager.add({ url: origin.url('/a.bin') });
    const b = await engine.manager.add({ url: origin.url('/b.bin') });
    await engine.waitForStatus(a.id, 'downloading');
    await Promise.all([engine.manager.cancel(b.id), engine.manager.pause(a.id)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await engine.manager.get(b.id)).status).toBe('cancelled');
    expect(origin.requests.filter((r) => r.path === '/b.bin')).toHaveLength(0);
  });

  it('cancel, then quit before the attempt has stopped: it stays cancelled and its partial is gone', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content } });
    origin.throttle(SIZE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/a.bin') });
    const moving = await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 0);
    const cancelling = engine.manager.cancel(id);
    await engine.manager.shutdown();
    await cancelling;
    expect(engine.store.listDownloads()[0]!.status).toBe('cancelled');
    expect(existsSync(moving.path)).toBe(false);
  });

  it('pause, then quit: it stays paused', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content } });
    origin.throttle(SIZE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/a.bin') });
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 0);
    const pausing = engine.manager.pause(id);
    await engine.manager.shutdown();
    await pausing;
    expect(engine.store.listDownloads()[0]!.status).toBe('paused');
  });

  it('resume right after pause is not lost', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content } });
    origin.throttle(4 * SIZE);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/a.bin') });
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 0);
    origin.throttle(null);
    const pausing = engine.manager.pause(id);
    const resuming = engine.manager.resume(id);
    await Promise.all([pausing, resuming]);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
  });

  it('folders written differently ("/d" and "/d/") never share a partial', async () => {
    const other = randomBytesSeeded(SIZE, 62);
    origin = await startFaultOrigin({ '/x/file.bin': { content }, '/y/file.bin': { content: other } });
    origin.throttle(4 * SIZE);
    engine = startEngine();
    const a = await engine.manager.add({ url: origin.url('/x/file.bin'), dest_dir: engine.downloads });
    const b = await engine.manager.add({ url: origin.url('/y/file.bin'), dest_dir: `${engine.downloads}/` });
    expect([a.filename, b.filename]).toEqual(['file.bin', 'file (1).bin']);
    expect(b.dest_dir).toBe(engine.downloads);
    const [doneA, doneB] = [await engine.waitForStatus(a.id, 'completed'), await engine.waitForStatus(b.id, 'completed')];
    expect(sha256(readFileSync(doneA.path))).toBe(sha256(content));
    expect(sha256(readFileSync(doneB.path))).toBe(sha256(other));
  });

  it("a retry before any byte arrived keeps the server's name, and leaves no stray partial", async () => {
    origin = await startFaultOrigin({ '/get': { content, contentDisposition: 'attachment; filename="report.pdf"' } });
    origin.script('/get', { kind: 'drop-after', bytes: 0 });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/get') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.failed_count).toBe(1);
    expect(done.filename).toBe('report.pdf');
    expect(readdirSync(engine.downloads)).toEqual(['report.pdf']);
  });

  it('restart after a checksum mismatch downloads the file again', async () => {
    const corrupt = Buffer.from(content);
    corrupt.writeUInt8(corrupt.readUInt8(1000) ^ 0xff, 1000);
    origin = await startFaultOrigin({ '/f.bin': { content: corrupt } });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin'), sha256: sha256(content) });
    expect((await engine.waitForStatus(id, 'failed')).error_code).toBe('CHECKSUM_MISMATCH');
    origin.setFile('/f.bin', { content });
    await engine.manager.restart(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(origin.requests.at(-1)!.headers.range).toBeUndefined();
  });

  it('a download keeps the attempt count it started with when the setting changes', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', ...Array.from({ length: 8 }, () => ({ kind: 'status', status: 503 }) as const));
    engine = startEngine({ settings: { max_attempts: 3, initial_delay_seconds: 0.2 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'retrying');
    await engine.manager.updateSettings({ max_attempts: 5 });
    const failed = await engine.waitForStatus(id, 'failed');
    expect([failed.failed_count, failed.retry_info.max_attempts, failed.retry_info.current_attempt]).toEqual([3, 3, 3]);
    expect(origin.requests).toHaveLength(3);
  });
});
