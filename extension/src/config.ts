import { type CaptureRule, readRule } from './capture-rule.js';

/** Where serve and the desktop app listen unless told otherwise. */
export const DEFAULT_SERVER = 'http://127.0.0.1:4000';
/** The popup lists this many downloads sent, newest first. */
const RECENT_KEPT = 10;

export interface RecentDownload {
  id: string;
  filename: string;
  host: string;
  sent_at: number;
}

/** The extension's state in chrome.storage.local (its token never leaves the extension). */
export interface Config {
  server: string;
  token: string | null;
  pairedAt: number | null;
  rule: CaptureRule;
  /** The toolbar's switch: off lets every download through. */
  capture: boolean;
  recent: RecentDownload[];
}

const KEYS = ['server', 'token', 'pairedAt', 'rule', 'capture', 'recent'];

const isRecent = (value: unknown): value is RecentDownload => {
  const entry = value as Partial<RecentDownload> | null;
  return typeof entry?.id === 'string' && typeof entry.filename === 'string' && typeof entry.host === 'string' && typeof entry.sent_at === 'number';
};

export async function loadConfig(): Promise<Config> {
  const stored = await chrome.storage.local.get(KEYS);
  return {
    server: typeof stored.server === 'string' && stored.server !== '' ? stored.server : DEFAULT_SERVER,
    token: typeof stored.token === 'string' ? stored.token : null,
    pairedAt: typeof stored.pairedAt === 'number' ? stored.pairedAt : null,
    rule: readRule(stored.rule),
    capture: stored.capture !== false,
    recent: Array.isArray(stored.recent) ? stored.recent.filter(isRecent) : [],
  };
}

export const saveConfig = (patch: Partial<Config>): Promise<void> => chrome.storage.local.set(patch);

export async function remember(download: RecentDownload): Promise<void> {
  const { recent } = await loadConfig();
  await saveConfig({ recent: [download, ...recent.filter((entry) => entry.id !== download.id)].slice(0, RECENT_KEPT) });
}

/** A server address as typed: http(s), a host and maybe a port, nothing after. */
export function readServer(typed: string): string | null {
  try {
    const url = new URL(typed.trim());
    return /^https?:$/.test(url.protocol) && url.pathname === '/' && url.search === '' ? url.origin : null;
  } catch {
    return null;
  }
}
