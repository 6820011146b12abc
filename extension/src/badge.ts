import type { Failure } from './steadfast-client.js';

const TITLE = 'Steadfast';
const BADGES: Record<Failure | 'off', { text: string; color: string }> = {
  unreachable: { text: '!', color: '#b42318' },
  unpaired: { text: 'KEY', color: '#a35b00' },
  refused: { text: '!', color: '#a35b00' },
  off: { text: 'OFF', color: '#6b7280' },
};

/** The toolbar says why the browser kept a download (its title carries the whole reason). */
export async function showProblem(failure: Failure, reason: string): Promise<void> {
  await chrome.action.setBadgeBackgroundColor({ color: BADGES[failure].color });
  await chrome.action.setBadgeText({ text: BADGES[failure].text });
  await chrome.action.setTitle({ title: `${TITLE}: ${reason}` });
}

/** Back to normal after a download went through: "OFF" while capturing is switched off. */
export async function showState(capture: boolean): Promise<void> {
  await chrome.action.setBadgeBackgroundColor({ color: BADGES.off.color });
  await chrome.action.setBadgeText({ text: capture ? '' : BADGES.off.text });
  await chrome.action.setTitle({ title: capture ? TITLE : `${TITLE}: not capturing downloads (switched off)` });
}
