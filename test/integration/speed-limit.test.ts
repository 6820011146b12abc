import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const KiB = 1024;

/** Bytes per second from the first attempt's start to completion, as the user experiences it. */
const rateOf = (engine: EngineHarness, id: string, bytes: number) => {
  const [attempt] = engine.store.listAttempts(id);
  const completed = engine.store.listDownloads().find((d) => d.id === id)!.completed_at!;
  return (bytes * 1000) / (completed - attempt!.started_at);
};

describe('speed limits', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it("a download's own limit holds: never more than 5 % over", async () => {
    const size = 1536 * KiB;
    const content = randomBytesSeeded(size, 101);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin'), speed_limit: 512 * KiB });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.speed_limit).toBe(512 * KiB);
    expect(readFileSync(done.path).equals(content)).toBe(true);
    const rate = rateOf(engine, id, size);
    expect(rate).toBeLessThanOrEqual(512 * KiB * 1.05);
    expect(rate).toBeGreaterThan(512 * KiB * 0.8);
  });

  it('the global limit is shared by every running download', async () => {
    const size = 768 * KiB;
    origin = await startFaultOrigin({ '/a.bin': { content: randomBytesSeeded(size, 102) }, '/b.bin': { content: randomBytesSeeded(size, 103) } });
    engine = startEngine({ settings: { speed_limit: 512 * KiB } });
    const started = Date.now();
    const a = await engine.manager.add({ url: origin.url('/a.bin') });
    const b = await engine.manager.add({ url: origin.url('/b.bin') });
    await engine.waitForStatus(a.id, 'completed');
    await engine.waitForStatus(b.id, 'completed');
    const rate = (2 * size * 1000) / (Date.now() - started);
    expect(rate).toBeLessThanOrEqual(512 * KiB * 1.05);
    expect(rate).toBeGreaterThan(512 * KiB * 0.8);
  });

  it('a limit changed while downloading applies at once, and null lifts it', async () => {
    const size = 4096 * KiB;
    origin = await startFaultOrigin({ '/f.bin': { content: randomBytesSeeded(size, 104) } });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin'), speed_limit: 256 * KiB });
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const slow = Number((await engine.manager.get(id)).downloaded_bytes);
    expect(slow).toBeLessThan(size / 4);
    expect((await engine.manager.setSpeedLimit(id, null)).speed_limit).toBeNull();
    await engine.waitForStatus(id, 'completed', 5000);
    await expect(engine.api.setSpeedLimit(id, 10)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('waiting on our own limit is not a stall: a limit far below the stall window completes untouched', async () => {
    const size = 192 * KiB;
    const content = randomBytesSeeded(size, 104);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    // 64 KiB reads at 32 KiB/s wait 2 s each, twice the stall timeout.
    engine = startEngine({ settings: { stall_timeout_seconds: 1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin'), speed_limit: 32 * KiB });
    const done = await engine.waitForStatus(id, 'completed', 15_000);
    expect(done.failed_count).toBe(0);
    expect(readFileSync(done.path).equals(content)).toBe(true);
  });

  it('under a limit, connections waiting at once do not hold off the stall check for each other', async () => {
    const size = 4 * 1024 * KiB;
    const content = randomBytesSeeded(size, 105);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    // Every connection goes silent after 64 KiB: the download as a whole stalls.
    origin.script('/f.bin', ...Array.from({ length: 4 }, () => ({ kind: 'stall-after', bytes: 64 * KiB }) as const));
    engine = startEngine({ settings: { stall_timeout_seconds: 1, connections: 4, initial_delay_seconds: 0.1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin'), speed_limit: 64 * KiB });
    await engine.waitFor(id, (s) => s.failed_count >= 1, 15_000);
    const [first] = engine.store.listAttempts(id);
    expect(first!.error_code).toBe('STALLED');
    // 256 KiB at 64 KiB/s is about 4 s of waiting on the limit, then 1 s of silence. Counting
    // the four connections' overlapping waits once each put it past 10 s.
    expect(first!.ended_at! - first!.started_at).toBeLessThan(8000);
  });
});
