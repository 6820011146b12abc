import { ApiRequestError } from './api-error.js';
import type { DownloadStatus } from './downloads.js';
import type { ErrorCode } from './error-codes.js';

/** What a user (through the UI, the REST API or the CLI) can ask of one download. */
export const DOWNLOAD_ACTIONS = ['pause', 'resume', 'cancel', 'restart', 'changeSource', 'setSpeedLimit', 'remove'] as const;
export type DownloadAction = (typeof DOWNLOAD_ACTIONS)[number];

/**
 * What an action does to a download in one status.
 * - `offer`: it changes the download, and the download's row offers it as a button.
 * - `allow`: it changes the download, but no button offers it: resuming a download that waits
 *   for its retry skips the rest of the countdown, which scripts may want; the row shows the
 *   countdown and Pause instead.
 * - `no-op`: accepted, and the download stays as it is, so a double click or a repeated
 *   request is harmless. (One exception outside this table: Resume on a queued download the
 *   queue's schedule holds starts it, ARCHITECTURE.md §2 "Schedules".)
 * - `refuse`: INVALID_STATE.
 */
export type ActionRule = 'offer' | 'allow' | 'no-op' | 'refuse';

export interface StatusRules {
  /** The scheduler owns the download: it runs, waits for a free slot, or waits for its retry. */
  active: boolean;
  /** Nothing more happens to it unless the user restarts it (or it is removed). */
  finished: boolean;
  actions: Record<DownloadAction, ActionRule>;
}

/**
 * The one table of a download's states and what may be done in each (docs/ARCHITECTURE.md,
 * §2 "A download's life"). The engine enforces it and the UI draws its buttons from it, so the
 * two cannot disagree. Removing and setting a speed limit are never refused.
 */
export const STATUS_RULES = {
  queued: {
    active: true,
    finished: false,
    actions: { pause: 'offer', resume: 'no-op', cancel: 'offer', restart: 'refuse', changeSource: 'refuse', setSpeedLimit: 'allow', remove: 'offer' },
  },
  downloading: {
    active: true,
    finished: false,
    actions: { pause: 'offer', resume: 'no-op', cancel: 'offer', restart: 'refuse', changeSource: 'refuse', setSpeedLimit: 'allow', remove: 'offer' },
  },
  retrying: {
    active: true,
    finished: false,
    actions: { pause: 'offer', resume: 'allow', cancel: 'offer', restart: 'refuse', changeSource: 'refuse', setSpeedLimit: 'allow', remove: 'offer' },
  },
  paused: {
    active: false,
    finished: false,
    actions: { pause: 'no-op', resume: 'offer', cancel: 'offer', restart: 'refuse', changeSource: 'offer', setSpeedLimit: 'allow', remove: 'offer' },
  },
  completed: {
    active: false,
    finished: true,
    actions: { pause: 'refuse', resume: 'refuse', cancel: 'refuse', restart: 'refuse', changeSource: 'refuse', setSpeedLimit: 'allow', remove: 'offer' },
  },
  failed: {
    active: false,
    finished: true,
    actions: { pause: 'refuse', resume: 'refuse', cancel: 'offer', restart: 'offer', changeSource: 'offer', setSpeedLimit: 'allow', remove: 'offer' },
  },
  cancelled: {
    active: false,
    finished: true,
    actions: { pause: 'refuse', resume: 'refuse', cancel: 'no-op', restart: 'offer', changeSource: 'refuse', setSpeedLimit: 'allow', remove: 'offer' },
  },
} as const satisfies Record<DownloadStatus, StatusRules>;

/** How the refusal names each action: "Cannot change the link of a download that is …". */
const ACTION_WORDS: Record<DownloadAction, string> = {
  pause: 'pause',
  resume: 'resume',
  cancel: 'cancel',
  restart: 'restart',
  changeSource: 'change the link of',
  setSpeedLimit: 'set the speed limit of',
  remove: 'remove',
};

export const ruleFor = (status: DownloadStatus, action: DownloadAction): ActionRule => STATUS_RULES[status].actions[action];

export const isActive = (status: DownloadStatus): boolean => STATUS_RULES[status].active;

export const isFinished = (status: DownloadStatus): boolean => STATUS_RULES[status].finished;

/** The action would change a download in this status (it is neither refused nor a no-op). */
export function changes(status: DownloadStatus, action: DownloadAction): boolean {
  const rule = ruleFor(status, action);
  return rule === 'offer' || rule === 'allow';
}

/** A download in this status shows a button for the action. */
export const offers = (status: DownloadStatus, action: DownloadAction): boolean => ruleFor(status, action) === 'offer';

const FRESH_LINK_ERRORS: ReadonlySet<string> = new Set<ErrorCode>(['LINK_EXPIRED', 'FILE_CHANGED']);

/**
 * The download failed because its link no longer gives the file whose bytes are kept
 * (ARCHITECTURE.md §4 "Not this file"): a fresh link continues it, Restart starts from 0.
 */
export const needsFreshLink = (errorCode: string | null): boolean => errorCode !== null && FRESH_LINK_ERRORS.has(errorCode);

/**
 * The action a download's row puts first, or null: Change link for a download whose link no
 * longer gives its file, since Restart would throw its partial away.
 */
export function primaryAction(status: DownloadStatus, errorCode: string | null): DownloadAction | null {
  return needsFreshLink(errorCode) && offers(status, 'changeSource') ? 'changeSource' : null;
}

/**
 * The rule for the action, or the INVALID_STATE refusal that every transport shows as it is.
 * A caller returns the download unchanged on `no-op`.
 */
export function requireAllowed(status: DownloadStatus, action: DownloadAction): 'offer' | 'allow' | 'no-op' {
  const rule = ruleFor(status, action);
  if (rule === 'refuse') throw new ApiRequestError('INVALID_STATE', `Cannot ${ACTION_WORDS[action]} a download that is ${status}`);
  return rule;
}
