import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src-main/engine/token-bucket.js';

const never = new AbortController().signal;

describe('TokenBucket', () => {
  it('without a rate, never waits', async () => {
    const bucket = new TokenBucket(null);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) await bucket.take(1e9, never);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('lets a tenth of a second pass at once, then waits out the debt', async () => {
    const bucket = new TokenBucket(100_000);
    let started = performance.now();
    await bucket.take(10_000, never);
    expect(performance.now() - started).toBeLessThan(20);
    started = performance.now();
    await bucket.take(20_000, never);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(400);
  });

  it('a new rate applies at once; a pause (abort) ends the wait', async () => {
    const bucket = new TokenBucket(1000);
    await bucket.take(100, never);
    bucket.setRate(null);
    const started = performance.now();
    await bucket.take(1e6, never);
    expect(performance.now() - started).toBeLessThan(20);
    bucket.setRate(1000);
    const stop = new AbortController();
    const waiting = bucket.take(10_000, stop.signal);
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
