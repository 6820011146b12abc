import { describe, expect, it } from 'vitest';
import { CONNECTION_RETRY_MS, endsAllConnections, everyConnectionFailed, turnedAway } from '../../src-main/engine/connection-failures.js';
import { permanentError, transientError } from '../../src-main/engine/download-error.js';

describe('connection failures', () => {
  it('a connection waits 0.5, 1 and 2 s before its own retries', () => {
    expect(CONNECTION_RETRY_MS).toEqual([500, 1000, 2000]);
  });

  it('503, 429, refused and reset on an extra connection mean "too many"; a stall or a 404 does not', () => {
    expect(['SERVER_ERROR', 'RATE_LIMITED', 'CONNECTION_REFUSED', 'CONNECTION_RESET'].every((code) => turnedAway(transientError(code as never, 'x')))).toBe(true);
    expect(turnedAway(transientError('STALLED', 'x'))).toBe(false);
    expect(turnedAway(permanentError('NOT_FOUND', 'x'))).toBe(false);
  });

  it('says why one error ended the attempt, keeping its code, class and Retry-After', () => {
    const error = transientError('CONNECTION_REFUSED', 'Connection refused by h:1');
    const all = everyConnectionFailed(error);
    expect(all).toMatchObject({ code: 'CONNECTION_REFUSED', transient: true, message: 'Connection refused by h:1 (every connection failed 4 times in a row)' });
    expect(all.cause).toBe(error);
    expect(endsAllConnections(permanentError('NOT_FOUND', 'File not found'), 8).message).toBe(
      'File not found (on one of 8 connections, which ends the attempt for all)',
    );
  });
});
