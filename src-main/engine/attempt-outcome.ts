import { OneConnectionRestart } from './attempt.js';
import { DownloadError, permanentError } from './download-error.js';
import type { StopCode } from '../contract/notice-codes.js';
import type { StopReason } from './download-runtime.js';
import type { AttemptEnd, DownloadPatch, DownloadRecord } from './download-store.js';
import { decideAfterFailure, type RetryPolicy } from './retry-policy.js';

/**
 * How an attempt that did not complete is recorded (ARCHITECTURE.md §3 "What an attempt is"):
 * the attempt row's end and the download's next state. Pure, so each rule is a test.
 */
export interface Outcome {
  /** The attempt row's end; its connection retries are counted by whoever ran it. */
  end: Omit<AttemptEnd, 'connection_retries'>;
  patch: DownloadPatch;
  /** The download now waits for `patch.next_retry_at`. */
  retry: boolean;
}

const STOPPED: Record<Exclude<StopReason, 'remove'>, { words: string; code: StopCode; status: 'paused' | 'cancelled' | 'queued' }> = {
  pause: { words: 'Paused', code: 'PAUSED', status: 'paused' },
  cancel: { words: 'Cancelled', code: 'CANCELLED', status: 'cancelled' },
  // Stopped by a shutdown: queued, so the next start resumes it.
  shutdown: { words: 'Stopped at shutdown', code: 'SHUTDOWN', status: 'queued' },
  // The queue's window closed: queued, so it goes on when the window opens (§2 "Schedules").
  schedule: { words: 'Stopped by the schedule', code: 'SCHEDULE', status: 'queued' },
};

/** The user (or the engine's shutdown) stopped it: not a failure, no attempt spent. */
export function stoppedOutcome(record: DownloadRecord, reason: Exclude<StopReason, 'remove'>, now: number): Outcome {
  const { words, code, status } = STOPPED[reason];
  return {
    end: { ended_at: now, offset_to: record.downloaded_bytes, error_code: null, error_message: words, stop_code: code },
    // A cancelled download keeps no bytes: its partial is deleted next.
    patch: { status, next_retry_at: null, ...(status === 'cancelled' ? { downloaded_bytes: 0 } : {}) },
    retry: false,
  };
}

/**
 * How a run that did not complete is recorded: a stop wins; then a transient failure of a run the
 * computer slept through costs nothing; anything else is a failure under the retry policy.
 */
export function endedOutcome(
  record: DownloadRecord,
  ended: { stopReason: Exclude<StopReason, 'remove'> | null; sleptThrough: boolean; thrown: unknown },
  policy: RetryPolicy,
  now: number,
): Outcome {
  if (ended.stopReason !== null) return stoppedOutcome(record, ended.stopReason, now);
  if (ended.sleptThrough && ended.thrown instanceof DownloadError && ended.thrown.transient) return sleptOutcome(record, now);
  return failedOutcome(record, ended.thrown, policy, now);
}

/**
 * A transient failure of an attempt that was running while the computer slept: the sleep cut it,
 * not the server, so no attempt is spent. It waits like a due retry, which after a wake waits
 * for the network (ARCHITECTURE.md §2).
 */
export function sleptOutcome(record: DownloadRecord, now: number): Outcome {
  return {
    end: {
      ended_at: now,
      offset_to: record.downloaded_bytes,
      error_code: null,
      error_message: 'Interrupted while the computer slept',
      stop_code: 'SLEPT',
    },
    patch: { status: 'retrying', next_retry_at: now },
    retry: true,
  };
}

/**
 * The attempt threw. A server that mishandles ranges costs no attempt: it starts again at once
 * over one connection. Anything else is a failed attempt, retried while the policy allows.
 */
export function failedOutcome(record: DownloadRecord, thrown: unknown, policy: RetryPolicy, now: number): Outcome {
  if (thrown instanceof OneConnectionRestart) {
    return {
      end: { ended_at: now, offset_to: 0, error_code: null, error_message: thrown.message, stop_code: 'ONE_CONNECTION' },
      patch: { status: 'queued', next_retry_at: null, ...thrown.notice, one_connection: true },
      retry: false,
    };
  }
  const error =
    thrown instanceof DownloadError
      ? thrown
      : permanentError('INTERNAL_ERROR', `Internal error: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  const decision = decideAfterFailure(error, record.failed_count + 1, policy);
  const end = { ended_at: now, offset_to: record.downloaded_bytes, error_code: error.code, error_message: error.message, stop_code: null };
  if (decision.action === 'retry') {
    return {
      end,
      patch: {
        status: 'retrying',
        failed_count: record.failed_count + 1,
        next_retry_at: now + decision.delayMs,
        error_code: error.code,
        error_message: error.message,
      },
      retry: true,
    };
  }
  return {
    end,
    patch: { status: 'failed', failed_count: decision.failedCount, next_retry_at: null, error_code: error.code, error_message: decision.message },
    retry: false,
  };
}
