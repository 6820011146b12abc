import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src-main/contract/settings.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const content = randomBytesSeeded(64 * 1024, 5);
const always503 = Array.from({ length: 10 }, () => ({ kind: 'status', status: 503 }) as const);

/** Pause between the end of one attempt and the start of the next, in ms. */
const gaps = (attempts: { started_at: number; ended_at: number | null }[]) =>
  attempts.slice(1).map((a, i) => a.started_at - attempts[i]!.ended_at!);

describe('retry exhaustion', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('five attempts whose gaps follow 1:2:4:8, then "Max retries exceeded"', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', ...always503);
    engine = startEngine({ settings: { initial_delay_seconds: 0.1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const failed = await engine.waitForStatus(id, 'failed');

    expect(failed.failed_count).toBe(5);
    expect(failed.error_code).toBe('SERVER_ERROR');
    expect(failed.error_message).toBe('Max retries exceeded: Temporary server error (HTTP 503 Service Unavailable)');
    expect(failed.retry_info).toEqual({ current_attempt: 5, max_attempts: 5, next_retry_at: null, next_retry_in: null });
    expect(origin.requests).toHaveLength(5);
    const attempts = engine.store.listAttempts(id);
    expect(attempts.map((a) => a.number)).toEqual([1, 2, 3, 4, 5]);
    const measured = gaps(attempts);
    [100, 200, 400, 800].forEach((expected, i) => {
      expect(measured[i]).toBeGreaterThanOrEqual(expected - 2);
      expect(measured[i]).toBeLessThan(expected + 150);
    });
  });

  it('fixed backoff waits the same each time', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', ...always503);
    engine = startEngine({ settings: { initial_delay_seconds: 0.1, backoff: 'fixed', max_attempts: 3 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.failed_count).toBe(3);
    expect(origin.requests).toHaveLength(3);
    for (const gap of gaps(engine.store.listAttempts(id))) {
      expect(gap).toBeGreaterThanOrEqual(98);
      expect(gap).toBeLessThan(250);
    }
  });

  // The one slow test: the real default schedule (ARCHITECTURE.md §3: 2, 4, 8, 16 s), about 30 s.
  it('the default schedule is 2, 4, 8 and 16 seconds', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', ...always503);
    engine = startEngine({ settings: { initial_delay_seconds: DEFAULT_SETTINGS.initial_delay_seconds } });
    expect((await engine.manager.getSettings()).initial_delay_seconds).toBe(2);
    expect((await engine.manager.getSettings()).max_attempts).toBe(5);
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const waiting = await engine.waitForStatus(id, 'retrying');
    expect(waiting.retry_info.next_retry_in).toBe(2);
    const failed = await engine.waitForStatus(id, 'failed', 40_000);
    expect(failed.failed_count).toBe(5);
    const measured = gaps(engine.store.listAttempts(id));
    [2000, 4000, 8000, 16000].forEach((expected, i) => {
      expect(measured[i]).toBeGreaterThanOrEqual(expected - 2);
      expect(measured[i]).toBeLessThan(expected + 300);
    });
  }, 45_000);
});
