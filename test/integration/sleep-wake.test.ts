import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { JumpClock, mondayAt } from '../support/jump-clock.js';

const KiB = 1024;
const HOUR = 60 * 60 * 1000;

describe('after the computer sleeps', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('an attempt that stalled across the sleep costs no attempt, and goes on once the network had time to return', async () => {
    const content = randomBytesSeeded(512 * KiB, 901);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'stall-after', bytes: 128 * KiB });
    const clock = new JumpClock(mondayAt(12, 0));
    engine = startEngine({ clock, wakeSettleMs: 1000 });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) >= 128 * KiB || s.status !== 'downloading');
    await sleep(300);
    clock.sleep(HOUR);
    const waiting = await engine.waitFor(id, (s) => s.waiting_for_network);
    expect(waiting).toMatchObject({ status: 'retrying', failed_count: 0 });
    expect(waiting.retry_info.current_attempt).toBe(1);
    // Nothing is asked of the network before it had time to come back.
    expect(origin.requests).toHaveLength(1);
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.failed_count).toBe(0);
    expect(readFileSync(done.path).equals(content)).toBe(true);
    const [first] = engine.store.listAttempts(id);
    expect(first).toMatchObject({ error_code: null, error_message: 'Interrupted while the computer slept', stop_code: 'SLEPT' });
  });

  it('the same stall without a sleep is a failed attempt', async () => {
    const content = randomBytesSeeded(256 * KiB, 902);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'stall-after', bytes: 64 * KiB });
    engine = startEngine({ clock: new JumpClock(mondayAt(12, 0)), settings: { stall_timeout_seconds: 1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.failed_count).toBe(1);
    expect(engine.store.listAttempts(id)[0]).toMatchObject({ error_code: 'STALLED' });
  });

  it('a retry that came due during the sleep waits for the network instead of spending an attempt', async () => {
    const content = randomBytesSeeded(64 * KiB, 903);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'status', status: 503 });
    const clock = new JumpClock(mondayAt(12, 0));
    engine = startEngine({ clock, wakeSettleMs: 1000, settings: { initial_delay_seconds: 60 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'retrying');
    clock.sleep(HOUR);
    const waiting = await engine.waitFor(id, (s) => s.waiting_for_network);
    expect(waiting.failed_count).toBe(1);
    await sleep(500);
    expect(origin.requests).toHaveLength(1);
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.failed_count).toBe(1);
    expect(readFileSync(done.path).equals(content)).toBe(true);
  });

  it("after the wake the desktop reports (powerMonitor 'resume'), a due retry waits at least the settling time", async () => {
    const content = randomBytesSeeded(32 * KiB, 904);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'status', status: 503 });
    engine = startEngine({ wakeSettleMs: 1200, settings: { initial_delay_seconds: 0.1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'retrying');
    const wokeAt = Date.now();
    engine.manager.noteWake();
    await engine.waitFor(id, (s) => s.waiting_for_network);
    const done = await engine.waitForStatus(id, 'completed');
    expect(origin.requests[1]!.status).toBe(200);
    expect(Date.now() - wokeAt).toBeGreaterThanOrEqual(1150);
    expect(done.failed_count).toBe(1);
  });
});
