import { describe, it, expect } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src-main/contract/settings.js';
import { DownloadError, permanentError, transientError } from '../../src-main/engine/download-error.js';
import {
  MAX_RETRY_AFTER_MS,
  type RetryPolicy,
  decideAfterFailure,
  parseRetryAfter,
  retryDelayMs,
} from '../../src-main/engine/retry-policy.js';

const SPEC: RetryPolicy = { maxAttempts: 5, initialDelayMs: 2000, backoff: 'exponential' };

const timeout = (): DownloadError => transientError('CONNECTION_TIMEOUT', 'Network timeout');
const withRetryAfter = (ms: number): DownloadError =>
  new DownloadError('RATE_LIMITED', 'Slow down', { transient: true, retryAfterMs: ms });

describe('retryDelayMs', () => {
  it('doubles from the initial delay: 2 s, 4 s, 8 s, 16 s for retries 1–4', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, SPEC))).toEqual([2000, 4000, 8000, 16000]);
  });

  it('keeps doubling past the fourth retry', () => {
    expect(retryDelayMs(5, SPEC)).toBe(32000);
    expect(retryDelayMs(10, SPEC)).toBe(2000 * 512);
  });

  it('scales with another initial delay', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(n, { ...SPEC, initialDelayMs: 100 }))).toEqual([100, 200, 400]);
  });

  it('is constant with fixed backoff', () => {
    const fixed: RetryPolicy = { maxAttempts: 5, initialDelayMs: 3000, backoff: 'fixed' };
    expect([1, 2, 3, 4, 9].map((n) => retryDelayMs(n, fixed))).toEqual([3000, 3000, 3000, 3000, 3000]);
  });

  it('sums to 30 s over the default settings ("about 30 s", ARCHITECTURE.md §3)', () => {
    const policy: RetryPolicy = {
      maxAttempts: DEFAULT_SETTINGS.max_attempts,
      initialDelayMs: DEFAULT_SETTINGS.initial_delay_seconds * 1000,
      backoff: DEFAULT_SETTINGS.backoff,
    };
    expect(policy).toEqual(SPEC);
    let total = 0;
    for (let retry = 1; retry < policy.maxAttempts; retry += 1) total += retryDelayMs(retry, policy);
    expect(total).toBe(30_000);
  });
});

describe('decideAfterFailure', () => {
  it('retries a transient error with the scheduled delay while attempts are left', () => {
    expect(decideAfterFailure(timeout(), 1, SPEC)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(decideAfterFailure(timeout(), 2, SPEC)).toEqual({ action: 'retry', delayMs: 4000 });
    expect(decideAfterFailure(timeout(), 3, SPEC)).toEqual({ action: 'retry', delayMs: 8000 });
    expect(decideAfterFailure(timeout(), 4, SPEC)).toEqual({ action: 'retry', delayMs: 16000 });
  });

  it('fails the fifth transient failure with "Max retries exceeded" and every attempt used', () => {
    expect(decideAfterFailure(timeout(), 5, SPEC)).toEqual({
      action: 'fail',
      message: 'Max retries exceeded: Network timeout',
      failedCount: 5,
    });
  });

  it('caps failedCount at max_attempts when more failures were counted than attempts allowed', () => {
    // e.g. max_attempts was lowered in the settings after several failures
    expect(decideAfterFailure(timeout(), 8, SPEC)).toEqual({
      action: 'fail',
      message: 'Max retries exceeded: Network timeout',
      failedCount: 5,
    });
  });

  it('with a single attempt, the first transient failure is final', () => {
    expect(decideAfterFailure(timeout(), 1, { ...SPEC, maxAttempts: 1 })).toEqual({
      action: 'fail',
      message: 'Max retries exceeded: Network timeout',
      failedCount: 1,
    });
  });

  it('fails a permanent error at once with its own message and the given failedCount', () => {
    const notFound = permanentError('NOT_FOUND', 'File not found on the server (HTTP 404 Not Found)');
    expect(decideAfterFailure(notFound, 1, SPEC)).toEqual({
      action: 'fail',
      message: 'File not found on the server (HTTP 404 Not Found)',
      failedCount: 1,
    });
    expect(decideAfterFailure(notFound, 3, SPEC)).toEqual({
      action: 'fail',
      message: 'File not found on the server (HTTP 404 Not Found)',
      failedCount: 3,
    });
  });

  it('ignores Retry-After on a permanent error', () => {
    const denied = new DownloadError('ACCESS_DENIED', 'Access denied', { transient: false, retryAfterMs: 60_000 });
    expect(decideAfterFailure(denied, 1, SPEC)).toEqual({ action: 'fail', message: 'Access denied', failedCount: 1 });
  });

  it('honours a Retry-After longer than the schedule', () => {
    expect(decideAfterFailure(withRetryAfter(60_000), 1, SPEC)).toEqual({ action: 'retry', delayMs: 60_000 });
    expect(decideAfterFailure(withRetryAfter(8001), 3, SPEC)).toEqual({ action: 'retry', delayMs: 8001 });
  });

  it('keeps the schedule when Retry-After asks for less', () => {
    expect(decideAfterFailure(withRetryAfter(1000), 1, SPEC)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(decideAfterFailure(withRetryAfter(0), 2, SPEC)).toEqual({ action: 'retry', delayMs: 4000 });
    expect(decideAfterFailure(withRetryAfter(15_999), 4, SPEC)).toEqual({ action: 'retry', delayMs: 16000 });
  });

  it('caps Retry-After at 10 minutes', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(600_000);
    expect(decideAfterFailure(withRetryAfter(3_600_000), 1, SPEC)).toEqual({ action: 'retry', delayMs: 600_000 });
    expect(decideAfterFailure(withRetryAfter(600_001), 2, SPEC)).toEqual({ action: 'retry', delayMs: 600_000 });
  });

  it('lets a schedule longer than the cap stand', () => {
    const slow: RetryPolicy = { maxAttempts: 10, initialDelayMs: 600_000, backoff: 'exponential' };
    expect(decideAfterFailure(withRetryAfter(3_600_000), 2, slow)).toEqual({ action: 'retry', delayMs: 1_200_000 });
  });

  it('does not retry on the last attempt even when Retry-After is present', () => {
    expect(decideAfterFailure(withRetryAfter(60_000), 5, SPEC)).toEqual({
      action: 'fail',
      message: 'Max retries exceeded: Slow down',
      failedCount: 5,
    });
  });

  it('uses the fixed delay for every retry with fixed backoff', () => {
    const fixed: RetryPolicy = { maxAttempts: 4, initialDelayMs: 5000, backoff: 'fixed' };
    expect([1, 2, 3].map((n) => decideAfterFailure(timeout(), n, fixed))).toEqual([
      { action: 'retry', delayMs: 5000 },
      { action: 'retry', delayMs: 5000 },
      { action: 'retry', delayMs: 5000 },
    ]);
    expect(decideAfterFailure(timeout(), 4, fixed)).toEqual({
      action: 'fail',
      message: 'Max retries exceeded: Network timeout',
      failedCount: 4,
    });
  });

  it('walks the whole spec timeline: four retries, then failure', () => {
    const decisions = [1, 2, 3, 4, 5].map((failed) => decideAfterFailure(timeout(), failed, SPEC));
    expect(decisions.map((d) => d.action)).toEqual(['retry', 'retry', 'retry', 'retry', 'fail']);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2030-01-01T00:00:00.000Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 5 ', now)).toBe(5000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP-date in the future relative to nowMs', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:10:00 GMT', now)).toBe(600_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now + 10_000)).toBe(20_000);
  });

  it('gives null for a date that is now or in the past', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:00 GMT', now)).toBeNull();
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBeNull();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBeNull();
  });

  it('reads the obsolete RFC 850 and asctime date forms', () => {
    expect(parseRetryAfter('Tuesday, 01-Jan-30 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue Jan  1 00:00:30 2030', now)).toBe(30_000);
  });

  it('does not read free text with a year in it as a date', () => {
    expect(parseRetryAfter('soon 2099', now)).toBeNull();
    expect(parseRetryAfter('retry 2031', now)).toBeNull();
  });

  it('gives null for values that are neither', () => {
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('12 apples', now)).toBeNull();
  });

  it('gives null without a header', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
