import type { BackoffKind } from '../contract/settings.js';
import type { DownloadError } from './download-error.js';

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  backoff: BackoffKind;
}

/** A server may ask for a longer pause, but never makes a download wait more than this. */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/** Delay before retry `retryNumber` (1-based): initial × 2^(n-1), or initial for `fixed`. */
export function retryDelayMs(retryNumber: number, policy: RetryPolicy): number {
  if (policy.backoff === 'fixed') return policy.initialDelayMs;
  return policy.initialDelayMs * 2 ** (retryNumber - 1);
}

export type AfterFailure =
  | { action: 'retry'; delayMs: number }
  | { action: 'fail'; message: string; failedCount: number };

/**
 * What follows a failed attempt. `failedCount` already includes this failure. Permanent
 * errors fail at once; the last transient one fails with "Max retries exceeded: …" and
 * records every attempt as used.
 */
export function decideAfterFailure(
  error: DownloadError,
  failedCount: number,
  policy: RetryPolicy,
): AfterFailure {
  if (!error.transient) return { action: 'fail', message: error.message, failedCount };
  if (failedCount >= policy.maxAttempts) {
    return {
      action: 'fail',
      message: `Max retries exceeded: ${error.message}`,
      failedCount: policy.maxAttempts,
    };
  }
  const scheduled = retryDelayMs(failedCount, policy);
  const asked = Math.min(error.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return { action: 'retry', delayMs: Math.max(scheduled, asked) };
}

const HTTP_DATE = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/, // IMF-fixdate
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/, // RFC 850
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/, // asctime
];

/**
 * Retry-After as milliseconds from `nowMs`: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Unparsable or past values give null, so the normal schedule applies.
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only the three HTTP-date forms: Date.parse alone would read "soon 2099" as a year away.
  if (!HTTP_DATE.some((form) => form.test(value))) return null;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  const delta = date - nowMs;
  return delta > 0 ? delta : null;
}
