import { type Category, DEFAULT_CATEGORIES } from './categories.js';
import type { SpeedWindow, TimeWindow } from './time-windows.js';
/** The schemes a proxy URL may have (the proxy setting, HTTP_PROXY and friends). */
export const PROXY_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:']);

/** The UI's language: the operating system's (or browser's) choice, or one the user picked. */
export const LANGUAGE_SETTINGS = ['system', 'en', 'zh-CN'] as const;
export type LanguageSetting = (typeof LANGUAGE_SETTINGS)[number];

export const BACKOFF_KINDS = ['exponential', 'fixed'] as const;
export type BackoffKind = (typeof BACKOFF_KINDS)[number];

/** User settings (ARCHITECTURE.md §3 and §6); every number has a range enforced by the settings schema. */
export interface Settings {
  /** Attempts in all, the first one included. */
  max_attempts: number;
  /** Delay before the first retry; exponential backoff doubles it for each further retry. */
  initial_delay_seconds: number;
  backoff: BackoffKind;
  /** An attempt with no byte received for this long is abandoned and retried. */
  stall_timeout_seconds: number;
  max_concurrent: number;
  /** Connections per download when the server serves byte ranges (1 = never split). */
  connections: number;
  /** Bytes per second for all downloads together, or null for no limit. */
  speed_limit: number | null;
  /** Where new downloads go unless a request names another folder. */
  download_dir: string;
  /** S3 region; null lets the AWS configuration (environment, profile) decide. */
  s3_region: string | null;
  /** An S3-compatible endpoint (MinIO, R2, …); null for AWS itself. */
  s3_endpoint: string | null;
  /** Path-style addressing; null means "yes when a custom endpoint is set". */
  s3_force_path_style: boolean | null;
  /** With s3_secret_access_key (write-only, kept in the secret store); null uses the AWS credential chain. */
  s3_access_key_id: string | null;
  /** Whether a secret access key is stored. The secret itself is never returned. */
  s3_secret_access_key_set: boolean;
  /** A named profile of the shared AWS config files; null for the default chain. */
  s3_profile: string | null;
  /** Maps {content_id, quality} to an S3 object, as the headless API's {content_id, quality} downloads do. */
  catalog: Catalog | null;
  /**
   * Follow a redirect from https:// to http://. Off: the file would come over a connection anyone
   * on the path can read and change, though the user asked for a secure one.
   */
  allow_insecure_redirects: boolean;
  /** Desktop app only: offer to add a link copied to the clipboard. Off unless the user turns it on. */
  watch_clipboard: boolean;
  /**
   * How requests reach the network: "system" (the environment's HTTP_PROXY/HTTPS_PROXY/NO_PROXY;
   * in the desktop app, the system's settings and PAC), "none" (always direct), or a proxy URL
   * (http://, https://, socks5://, socks4://). A URL is shown without its password, which is
   * write-only in the secret store like the S3 secret.
   */
  proxy: string;
  /** Whether a proxy password is stored. The password itself is never returned. */
  proxy_password_set: boolean;
  /** A PEM file of extra certificate authorities trusted for HTTPS downloads and S3 endpoints; null for none. */
  ca_file: string | null;
  /** Outside this window queued downloads wait and running ones are stopped; null runs the queue at any time. */
  queue_schedule: TimeWindow | null;
  /** A global speed limit for part of the day; the lower of it and speed_limit applies. */
  speed_schedule: SpeedWindow | null;
  /** New downloads go to their category's sub-folder of the download folder. */
  sort_by_category: boolean;
  categories: Category[];
  /** The desktop app keeps the computer awake while downloads run. */
  prevent_sleep: boolean;
  /** The window's language; kept with the engine so the desktop app and every browser on `serve` agree. */
  language: LanguageSetting;
}

export interface Catalog {
  bucket: string;
  /** e.g. "videos/{content_id}/{quality}.mp4" */
  key_template: string;
  /** e.g. "{content_id}_{quality}.mp4" */
  filename_template: string;
  qualities: string[];
}

export const DEFAULT_QUALITIES = ['360p', '480p', '720p', '1080p'];

/** The retry policy of ARCHITECTURE.md §3: 5 attempts, 2 s doubling (2, 4, 8, 16 s). */
export const DEFAULT_SETTINGS: Omit<Settings, 'download_dir'> = {
  max_attempts: 5,
  initial_delay_seconds: 2,
  backoff: 'exponential',
  stall_timeout_seconds: 30,
  max_concurrent: 3,
  connections: 8,
  speed_limit: null,
  s3_region: null,
  s3_endpoint: null,
  s3_force_path_style: null,
  s3_access_key_id: null,
  s3_secret_access_key_set: false,
  s3_profile: null,
  catalog: null,
  allow_insecure_redirects: false,
  watch_clipboard: false,
  proxy: 'system',
  proxy_password_set: false,
  ca_file: null,
  queue_schedule: null,
  speed_schedule: null,
  sort_by_category: false,
  categories: DEFAULT_CATEGORIES,
  prevent_sleep: true,
  language: 'system',
};
