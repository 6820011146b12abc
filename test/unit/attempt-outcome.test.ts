import { describe, expect, it } from 'vitest';
import { OneConnectionRestart } from '../../src-main/engine/attempt.js';
import { endedOutcome, failedOutcome, stoppedOutcome } from '../../src-main/engine/attempt-outcome.js';
import { permanentError, transientError } from '../../src-main/engine/download-error.js';
import { newDownloadRecord } from '../../src-main/engine/download-store.js';
import type { RetryPolicy } from '../../src-main/engine/retry-policy.js';

const NOW = 1_800_000_000_000;
const POLICY: RetryPolicy = { maxAttempts: 5, initialDelayMs: 2000, backoff: 'exponential' };
const record = (failed = 0) => ({
  ...newDownloadRecord({
    id: 'd1',
    source: { kind: 'http', url: 'https://example.com/f' },
    filename: 'f',
    filenameFromUser: false,
    destDir: '/dl',
    maxAttempts: 5,
    sha256: null,
    speedLimit: null,
    now: NOW - 1000,
  }),
  downloaded_bytes: 700,
  failed_count: failed,
});

describe('attempt outcomes', () => {
  it('a stop is never a failure: paused, cancelled (bytes dropped) or queued again at shutdown', () => {
    expect(stoppedOutcome(record(), 'pause', NOW)).toEqual({
      end: { ended_at: NOW, offset_to: 700, error_code: null, error_message: 'Paused', stop_code: 'PAUSED' },
      patch: { status: 'paused', next_retry_at: null },
      retry: false,
    });
    expect(stoppedOutcome(record(), 'cancel', NOW)).toMatchObject({
      patch: { status: 'cancelled', next_retry_at: null, downloaded_bytes: 0 },
      end: { error_message: 'Cancelled', stop_code: 'CANCELLED' },
    });
    expect(stoppedOutcome(record(2), 'shutdown', NOW)).toMatchObject({
      patch: { status: 'queued' },
      end: { error_message: 'Stopped at shutdown', stop_code: 'SHUTDOWN' },
    });
  });

  it('the schedule stops a run back to queued, no attempt spent', () => {
    expect(stoppedOutcome(record(1), 'schedule', NOW)).toEqual({
      end: { ended_at: NOW, offset_to: 700, error_code: null, error_message: 'Stopped by the schedule', stop_code: 'SCHEDULE' },
      patch: { status: 'queued', next_retry_at: null },
      retry: false,
    });
  });

  it('a run the computer slept through: a transient failure costs nothing and waits as a due retry; a permanent one still fails', () => {
    const slept = { stopReason: null, sleptThrough: true };
    expect(endedOutcome(record(1), { ...slept, thrown: transientError('STALLED', 'No data received for 30 s') }, POLICY, NOW)).toEqual({
      end: { ended_at: NOW, offset_to: 700, error_code: null, error_message: 'Interrupted while the computer slept', stop_code: 'SLEPT' },
      patch: { status: 'retrying', next_retry_at: NOW },
      retry: true,
    });
    const gone = endedOutcome(record(1), { ...slept, thrown: permanentError('NOT_FOUND', 'Not found') }, POLICY, NOW);
    expect(gone.patch).toMatchObject({ status: 'failed', error_code: 'NOT_FOUND' });
    const awake = endedOutcome(record(1), { stopReason: null, sleptThrough: false, thrown: transientError('STALLED', 'x') }, POLICY, NOW);
    expect(awake.patch).toMatchObject({ status: 'retrying', failed_count: 2 });
    // A stop outranks the sleep: a pause during it is a pause.
    expect(endedOutcome(record(1), { stopReason: 'pause', sleptThrough: true, thrown: null }, POLICY, NOW).patch.status).toBe('paused');
  });

  it('a transient error with attempts left waits for the backoff: 2 s after the first, 8 s after the third', () => {
    const first = failedOutcome(record(0), transientError('CONNECTION_RESET', 'Connection lost'), POLICY, NOW);
    expect(first).toEqual({
      end: { ended_at: NOW, offset_to: 700, error_code: 'CONNECTION_RESET', error_message: 'Connection lost', stop_code: null },
      patch: { status: 'retrying', failed_count: 1, next_retry_at: NOW + 2000, error_code: 'CONNECTION_RESET', error_message: 'Connection lost' },
      retry: true,
    });
    expect(failedOutcome(record(2), transientError('STALLED', 'x'), POLICY, NOW).patch.next_retry_at).toBe(NOW + 8000);
  });

  it('the last transient error and any permanent one fail the download', () => {
    const last = failedOutcome(record(4), transientError('SERVER_ERROR', 'HTTP 503'), POLICY, NOW);
    expect(last.patch).toMatchObject({ status: 'failed', failed_count: 5, error_message: 'Max retries exceeded: HTTP 503' });
    expect(last.retry).toBe(false);
    const denied = failedOutcome(record(0), permanentError('ACCESS_DENIED', 'Access denied (HTTP 403)'), POLICY, NOW);
    expect(denied.patch).toMatchObject({ status: 'failed', failed_count: 1, error_code: 'ACCESS_DENIED' });
  });

  it('an unexpected exception is a permanent INTERNAL_ERROR, never a retry loop', () => {
    const outcome = failedOutcome(record(0), new TypeError('boom'), POLICY, NOW);
    expect(outcome.patch).toMatchObject({ status: 'failed', error_code: 'INTERNAL_ERROR', error_message: 'Internal error: boom' });
  });

  it('a server that mishandles ranges costs no attempt and is remembered', () => {
    const outcome = failedOutcome(record(1), new OneConnectionRestart('RANGES_IGNORED', 'h:1'), POLICY, NOW);
    const notice = 'h:1 ignored a byte-range request; downloading again over one connection from the start.';
    expect(outcome).toEqual({
      end: { ended_at: NOW, offset_to: 0, error_code: null, error_message: notice, stop_code: 'ONE_CONNECTION' },
      patch: { status: 'queued', next_retry_at: null, notice, notice_code: 'ONE_CONNECTION_RANGES_IGNORED', one_connection: true },
      retry: false,
    });
  });
});
