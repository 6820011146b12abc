import { resolve } from 'node:path';
import type * as z from 'zod';
import { type ParsedSettingsPatch, settingsPatchSchema } from '../contract/schemas.js';
import { DEFAULT_SETTINGS, type Settings } from '../contract/settings.js';
import type { DownloadStore } from './download-store.js';
import type { SecretStore } from './secret-store.js';

/** The settings table holds everything but the secrets, which live in the secret store. */
const storedSettingsSchema = settingsPatchSchema.omit({ s3_secret_access_key: true, proxy_password: true });
const SECRET_KEYS = new Set(['s3_secret_access_key', 'proxy_password']);
const FIELDS: Readonly<Record<string, z.ZodType>> = storedSettingsSchema.shape;

export interface EngineSettingsOptions {
  store: Pick<DownloadStore, 'readSettings' | 'writeSettings'>;
  secrets: SecretStore;
  /** Used until the user chooses a download folder. */
  defaultDownloadDir: string;
  /** Settings for this process only (CLI flags): applied over the stored ones, never saved. */
  override?: Partial<Settings>;
}

/**
 * The engine's settings: read from the store at start-up, changed through updateSettings, and
 * announced to whoever must follow them (S3 clients, the global speed limit, the queue).
 */
export class EngineSettings {
  private readonly store: EngineSettingsOptions['store'];
  private readonly secrets: SecretStore;
  private readonly listeners = new Set<(settings: Settings) => void>();
  private settings: Settings;

  constructor(options: EngineSettingsOptions) {
    this.store = options.store;
    this.secrets = options.secrets;
    const stored = readStoredSettings(this.store.readSettings());
    // Never written with a password; one put there by hand must still not reach a response.
    if (stored.proxy !== undefined) stored.proxy = splitProxyPassword(stored.proxy).proxy;
    this.settings = {
      ...DEFAULT_SETTINGS,
      download_dir: options.defaultDownloadDir,
      ...stored,
      ...options.override,
      ...this.secretFlags(),
    };
  }

  get current(): Settings {
    return this.settings;
  }

  /**
   * Saves a patch (validated at the API's edge): the secret to the secret store, the rest to
   * the store. Only the patched keys are written, so stored keys this version could not read
   * stay as they are. Settings are replaced, never changed in place, so a new object means new
   * settings to whoever holds the old one.
   */
  update(patch: ParsedSettingsPatch): Settings {
    const { s3_secret_access_key: secret, proxy_password: explicitPassword, ...values } = patch;
    if (values.download_dir !== undefined) values.download_dir = resolve(values.download_dir);
    if (secret !== undefined) this.secrets.set('s3_secret_access_key', secret);
    let proxyPassword = explicitPassword;
    if (values.proxy !== undefined) {
      const split = splitProxyPassword(values.proxy);
      values.proxy = split.proxy;
      proxyPassword ??= split.password ?? undefined;
      // A password belongs to its proxy: a new proxy without one must not receive the old one.
      if (proxyPassword === undefined && values.proxy !== this.settings.proxy) proxyPassword = null;
    }
    if (proxyPassword !== undefined) this.secrets.set('proxy_password', proxyPassword);
    this.store.writeSettings(values);
    this.settings = { ...this.settings, ...values, ...this.secretFlags() };
    for (const listener of this.listeners) listener(this.settings);
    return this.settings;
  }

  /** Called after every update with the new settings; returns the unsubscribe. */
  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private secretFlags(): Pick<Settings, 's3_secret_access_key_set' | 'proxy_password_set'> {
    return {
      s3_secret_access_key_set: this.secrets.get('s3_secret_access_key') !== null,
      proxy_password_set: this.secrets.get('proxy_password') !== null,
    };
  }
}

/**
 * A proxy URL as stored and shown: scheme, user and host, never the password, which is returned
 * apart (decoded) for the secret store. "system" and "none" pass through.
 */
export function splitProxyPassword(proxy: string): { proxy: string; password: string | null } {
  if (proxy === 'system' || proxy === 'none') return { proxy, password: null };
  const url = new URL(proxy);
  const user = url.username === '' ? '' : `${url.username}@`;
  return { proxy: `${url.protocol}//${user}${url.host}`, password: url.password === '' ? null : decodeURIComponent(url.password) };
}

/**
 * The stored settings this version can use, each checked on its own: a key from a newer
 * version, or one value out of range, must not cost the user every other setting. Each one
 * skipped gets one warning naming it and why, never its value (it may be a credential). Skipped
 * keys stay in the database: a newer version may own them.
 */
function readStoredSettings(stored: Record<string, unknown>): Partial<Settings> {
  const usable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    const field = Object.hasOwn(FIELDS, key) ? FIELDS[key] : undefined;
    if (field === undefined) {
      warnSkipped(key, SECRET_KEYS.has(key) ? 'a secret belongs in the secret store' : 'this version does not know it');
      continue;
    }
    const result = field.safeParse(value);
    if (result.success) usable[key] = value;
    else warnSkipped(key, describeIssue(result.error));
  }
  // Every key passed its own check and no check spans keys, so this parse cannot fail; it types the result.
  return storedSettingsSchema.parse(usable);
}

/** Zod's message and where in the value it applies: words about the value's shape, not the value. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid value';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

function warnSkipped(key: string, why: string): void {
  console.warn(`steadfast: ignoring the stored setting "${key}": ${why}. It is left in the database as it is.`);
}
