// The service worker (Firefox: the background script): takes the browser's downloads that match
// the user's rule and the context menu's links to Steadfast (ARCHITECTURE.md §7 "Browser extension").
import { showProblem, showState } from './badge.js';
import { matchesRule } from './capture-rule.js';
import { type Config, loadConfig, remember } from './config.js';
import { addBodyFor, type HandOver, isWebUrl } from './hand-over.js';
import { sendDownload, SteadfastError } from './steadfast-client.js';

const MENU_ID = 'steadfast-download';
/** A link clicked with Alt is let through if its download starts within this time. */
const BYPASS_MS = 15_000;
const bypassed = new Map<string, number>();

/** The content script reports each Alt+click on a link: that download stays with the browser. */
chrome.runtime.onMessage.addListener((message) => {
  const url = (message as { bypass?: unknown } | null)?.bypass;
  if (typeof url === 'string') bypassed.set(url, Date.now() + BYPASS_MS);
});

function takeBypass(urls: readonly string[]): boolean {
  const now = Date.now();
  for (const [url, until] of bypassed) if (until < now) bypassed.delete(url);
  const hit = urls.find((url) => bypassed.has(url));
  if (hit !== undefined) bypassed.delete(hit);
  return hit !== undefined;
}

/** Sends one download; on success remembers it for the popup and clears the badge. */
async function handOver(config: Config & { token: string }, request: Omit<HandOver, 'cookies' | 'userAgent'>): Promise<void> {
  const cookies = await chrome.cookies.getAll({ url: request.url });
  const sent = await sendDownload(config, addBodyFor({ ...request, cookies, userAgent: navigator.userAgent }));
  await remember({ id: sent.id, filename: sent.filename, host: new URL(request.url).host, sent_at: Date.now() });
  await showState(config.capture);
}

const failureOf = (error: unknown): SteadfastError =>
  error instanceof SteadfastError ? error : new SteadfastError('refused', error instanceof Error ? error.message : String(error));

/**
 * The browser's own copy of a download Steadfast took: cancelled, its part file deleted. Firefox's
 * may have finished while Steadfast was asked; then its file goes, so only Steadfast's is left.
 */
async function dropBrowserCopy(id: number): Promise<void> {
  const [item] = await chrome.downloads.search({ id });
  if (item?.state === 'complete') await chrome.downloads.removeFile(id);
  else await chrome.downloads.cancel(id);
  await chrome.downloads.erase({ id });
}

/**
 * One download the browser is saving or about to save. It goes to Steadfast when the rule takes
 * it, and the browser's own is cancelled only once Steadfast said yes; otherwise `keep` lets it
 * go on, and the badge says why when Steadfast could not take it.
 */
async function capture(item: chrome.downloads.DownloadItem, keep: () => Promise<void>): Promise<void> {
  const config = await loadConfig();
  const url = item.finalUrl !== undefined && item.finalUrl !== '' ? item.finalUrl : item.url;
  const wanted =
    config.token !== null &&
    config.capture &&
    !item.incognito &&
    isWebUrl(url) &&
    !takeBypass([item.url, url]) &&
    matchesRule(config.rule, { fileName: item.filename, totalBytes: item.totalBytes > 0 ? item.totalBytes : item.fileSize });
  if (!wanted || config.token === null) return keep();
  try {
    await handOver({ ...config, token: config.token }, { url, fileName: item.filename, referrer: item.referrer === '' ? null : item.referrer });
  } catch (error) {
    const failure = failureOf(error);
    await keep();
    await showProblem(failure.failure, `${failure.message}; the browser kept the download`);
    return;
  }
  await dropBrowserCopy(item.id);
}

const determining = chrome.downloads.onDeterminingFilename;
if (determining !== undefined) {
  // Chromium waits for the name before it writes anything: nothing is fetched twice.
  determining.addListener((item, suggest) => {
    void capture(item, async () => suggest()).catch((error: unknown) => console.error('steadfast:', error));
    return true;
  });
} else {
  // Firefox has already started, and its download goes on while Steadfast is asked. It is not
  // paused: Firefox resumes with a Range request, and a server that ignores ranges (or a resume
  // Firefox refuses) would leave the user with a failed download when Steadfast does not take it.
  chrome.downloads.onCreated.addListener((item) => {
    void capture(item, async () => undefined).catch((error: unknown) => console.error('steadfast:', error));
  });
}

/** "Download with Steadfast" on a link, an image or a video or audio element. */
async function onMenuClick(info: chrome.contextMenus.OnClickData): Promise<void> {
  if (info.menuItemId !== MENU_ID) return;
  const url = info.linkUrl ?? info.srcUrl;
  if (url === undefined || !isWebUrl(url)) return;
  const config = await loadConfig();
  if (config.token === null) {
    await showProblem('unpaired', 'not paired with Steadfast: open the extension’s options');
    return;
  }
  try {
    await handOver({ ...config, token: config.token }, { url, fileName: null, referrer: info.frameUrl ?? info.pageUrl ?? null });
  } catch (error) {
    const failure = failureOf(error);
    await showProblem(failure.failure, failure.message);
  }
}
chrome.contextMenus.onClicked.addListener((info) => void onMenuClick(info));
// No browser lets a test open an extension's context menu: the e2e test calls the handler.
Object.assign(globalThis, { steadfastMenuClick: onMenuClick });

function createMenu(): void {
  void chrome.contextMenus.removeAll().then(() =>
    chrome.contextMenus.create({ id: MENU_ID, title: 'Download with Steadfast', contexts: ['link', 'image', 'video', 'audio'] }),
  );
}
chrome.runtime.onInstalled.addListener(createMenu);
chrome.runtime.onStartup.addListener(createMenu);

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && 'capture' in changes) void showState(changes.capture?.newValue !== false);
});
