import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

describe('while the system reports no network', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('a due retry waits instead of spending an attempt, and starts as soon as the network is back', async () => {
    const content = randomBytesSeeded(512 * 1024, 141);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'status', status: 503 });
    engine = startEngine({ settings: { initial_delay_seconds: 0.2 } });
    engine.manager.setOnline(false);
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => s.waiting_for_network);
    await sleep(600);
    const waiting = await engine.manager.get(id);
    expect(waiting.status).toBe('retrying');
    expect(waiting.failed_count).toBe(1);
    expect(waiting.retry_info.current_attempt).toBe(2);
    expect(origin.requests).toHaveLength(1);

    engine.manager.setOnline(true);
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.failed_count).toBe(1);
    expect(done.waiting_for_network).toBe(false);
    expect(readFileSync(done.path).equals(content)).toBe(true);
  });

  it('headless mode, which never reports the network, keeps the plain schedule', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: randomBytesSeeded(1024, 142) } });
    origin.script('/f.bin', { kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    engine = startEngine({ settings: { initial_delay_seconds: 0.1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.failed_count).toBe(2);
    expect(done.waiting_for_network).toBe(false);
  });
});
