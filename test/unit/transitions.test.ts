import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import { DOWNLOAD_STATUSES, type DownloadStatus } from '../../src-main/contract/downloads.js';
import {
  changes,
  DOWNLOAD_ACTIONS,
  type DownloadAction,
  isActive,
  isFinished,
  needsFreshLink,
  offers,
  primaryAction,
  requireAllowed,
  ruleFor,
  STATUS_RULES,
} from '../../src-main/contract/transitions.js';

/** The buttons a download's row showed before the table existed, condition for condition. */
const ROW_BUTTONS_BEFORE_THE_TABLE: Record<string, (status: DownloadStatus) => boolean> = {
  pause: (status) => status === 'queued' || status === 'downloading' || status === 'retrying',
  resume: (status) => status === 'paused',
  restart: (status) => status === 'failed' || status === 'cancelled',
  changeSource: (status) => status === 'paused' || status === 'failed',
  cancel: (status) => status !== 'completed' && status !== 'cancelled',
  remove: () => true,
};

function refusal(status: DownloadStatus, action: DownloadAction): unknown {
  try {
    requireAllowed(status, action);
  } catch (error) {
    return error;
  }
  return null;
}

describe('the transition table', () => {
  it('has a row for every status and a rule for every action in it', () => {
    expect(Object.keys(STATUS_RULES).sort()).toEqual([...DOWNLOAD_STATUSES].sort());
    for (const status of DOWNLOAD_STATUSES) {
      expect(Object.keys(STATUS_RULES[status].actions).sort(), status).toEqual([...DOWNLOAD_ACTIONS].sort());
      for (const action of DOWNLOAD_ACTIONS) expect(['offer', 'allow', 'no-op', 'refuse']).toContain(ruleFor(status, action));
    }
  });

  it('active is what the scheduler owns; finished is what only a restart brings back; none is both', () => {
    expect(DOWNLOAD_STATUSES.filter(isActive)).toEqual(['queued', 'downloading', 'retrying']);
    expect(DOWNLOAD_STATUSES.filter(isFinished)).toEqual(['completed', 'failed', 'cancelled']);
    expect(DOWNLOAD_STATUSES.filter((s) => !isActive(s) && !isFinished(s))).toEqual(['paused']);
  });

  it('offers exactly the buttons the row showed before', () => {
    for (const status of DOWNLOAD_STATUSES) {
      for (const [action, shown] of Object.entries(ROW_BUTTONS_BEFORE_THE_TABLE)) {
        expect(offers(status, action as DownloadAction), `${action} on ${status}`).toBe(shown(status));
      }
      // No row button sets a speed limit.
      expect(offers(status, 'setSpeedLimit')).toBe(false);
    }
  });

  it('a button is only offered for an action that changes the download', () => {
    for (const status of DOWNLOAD_STATUSES) {
      for (const action of DOWNLOAD_ACTIONS) {
        if (offers(status, action)) expect(changes(status, action), `${action} on ${status}`).toBe(true);
      }
    }
  });

  it('resuming a retrying download is allowed (it skips the countdown) but not offered as a button', () => {
    expect(ruleFor('retrying', 'resume')).toBe('allow');
    const unoffered = DOWNLOAD_STATUSES.flatMap((status) =>
      DOWNLOAD_ACTIONS.filter((action) => action !== 'setSpeedLimit' && ruleFor(status, action) === 'allow').map((action) => `${action} on ${status}`),
    );
    expect(unoffered).toEqual(['resume on retrying']);
  });

  it('repeating the action that led to a status is a no-op there, not an error', () => {
    expect(ruleFor('paused', 'pause')).toBe('no-op');
    expect(ruleFor('cancelled', 'cancel')).toBe('no-op');
    expect(ruleFor('queued', 'resume')).toBe('no-op');
    expect(ruleFor('downloading', 'resume')).toBe('no-op');
    const noOps = DOWNLOAD_STATUSES.flatMap((status) => DOWNLOAD_ACTIONS.filter((action) => ruleFor(status, action) === 'no-op'));
    expect(noOps).toHaveLength(4);
  });

  it('remove and setSpeedLimit are never refused', () => {
    for (const status of DOWNLOAD_STATUSES) {
      expect(ruleFor(status, 'remove')).not.toBe('refuse');
      expect(ruleFor(status, 'setSpeedLimit')).not.toBe('refuse');
    }
  });

  it('refuses with INVALID_STATE in the words every front end already shows', () => {
    const words: Record<DownloadAction, string> = {
      pause: 'pause',
      resume: 'resume',
      cancel: 'cancel',
      restart: 'restart',
      changeSource: 'change the link of',
      setSpeedLimit: 'set the speed limit of',
      remove: 'remove',
    };
    for (const status of DOWNLOAD_STATUSES) {
      for (const action of DOWNLOAD_ACTIONS) {
        const error = refusal(status, action);
        if (ruleFor(status, action) !== 'refuse') {
          expect(error, `${action} on ${status}`).toBeNull();
          continue;
        }
        expect(error).toBeInstanceOf(ApiRequestError);
        expect(error).toMatchObject({ code: 'INVALID_STATE', message: `Cannot ${words[action]} a download that is ${status}` });
      }
    }
    expect(refusal('completed', 'restart')).toMatchObject({ message: 'Cannot restart a download that is completed' });
    expect(refusal('downloading', 'changeSource')).toMatchObject({ message: 'Cannot change the link of a download that is downloading' });
  });
});

describe('the action a row puts first', () => {
  it('is Change link for a failed download whose link no longer gives its file, and nothing else', () => {
    expect(primaryAction('failed', 'LINK_EXPIRED')).toBe('changeSource');
    expect(primaryAction('failed', 'FILE_CHANGED')).toBe('changeSource');
    for (const code of [null, 'NOT_FOUND', 'ACCESS_DENIED', 'CHECKSUM_MISMATCH', 'TLS_ERROR']) expect(primaryAction('failed', code), String(code)).toBeNull();
    // Only where the table offers the button at all.
    for (const status of DOWNLOAD_STATUSES.filter((s) => s !== 'failed' && s !== 'paused')) expect(primaryAction(status, 'LINK_EXPIRED'), status).toBeNull();
    expect([needsFreshLink('LINK_EXPIRED'), needsFreshLink('FILE_CHANGED'), needsFreshLink('BAD_RESPONSE'), needsFreshLink(null)]).toEqual([true, true, false, false]);
  });
});
