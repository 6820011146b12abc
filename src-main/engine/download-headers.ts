import { Buffer } from 'node:buffer';
import { ORIGIN_BOUND_HEADERS, type RequestHeaders, requestHeadersSchema } from '../contract/request-headers.js';
import type { SecretName, SecretStore } from './secret-store.js';

const keyOf = (id: string): SecretName => `download-headers:${id}`;

/**
 * A URL's user name and password as the `Authorization: Basic` header they stand for, and the
 * URL without them: the stored and shown address never carries a password (ARCHITECTURE.md §6).
 */
export function splitCredentials(url: string): { url: string; authorization: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, authorization: null };
  }
  if (parsed.username === '' && parsed.password === '') return { url, authorization: null };
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const pair = `${decode(parsed.username)}:${decode(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
}

/** The headers a download is sent with: those given, plus the URL's sign-in unless one was given. */
export function headersForUrl(url: string, given: RequestHeaders = {}): { url: string; headers: RequestHeaders } {
  const split = splitCredentials(url);
  const headers = { ...given };
  if (split.authorization !== null) headers.Authorization ??= split.authorization;
  return { url: split.url, headers };
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * The headers a download keeps when its link changes: a link to another origin (scheme, host,
 * port) loses the sign-ins and Referer, as a redirect there does, or anyone allowed to change
 * links could send them to a server of their own; a sign-in in the new link replaces the old.
 */
export function headersForNewLink(oldUrl: string | null, newUrl: string, kept: RequestHeaders): { url: string; headers: RequestHeaders } {
  const { url, headers: signIn } = headersForUrl(newUrl);
  const headers = { ...kept };
  if (oldUrl === null || originOf(oldUrl) !== originOf(url)) for (const name of ORIGIN_BOUND_HEADERS) delete headers[name];
  return { url, headers: { ...headers, ...signIn } };
}

/**
 * Each download's request headers, one secret-store entry per download (`download-headers:<id>`),
 * never in the database: they are sign-ins (ARCHITECTURE.md §6).
 */
export class DownloadHeaders {
  /** Header names by download, for snapshots, which are built too often to read the store each time. */
  private readonly nameCache = new Map<string, readonly string[]>();

  constructor(private readonly secrets: SecretStore) {}

  save(id: string, headers: RequestHeaders): void {
    // Most downloads have none: their add writes nothing to the store.
    if (Object.keys(headers).length === 0) this.forget(id);
    else this.secrets.set(keyOf(id), JSON.stringify(headers));
    this.nameCache.set(id, Object.keys(headers));
  }

  /** Which headers are set (never their values): a snapshot may say so. */
  names(id: string): readonly string[] {
    let names = this.nameCache.get(id);
    if (names === undefined) {
      names = Object.keys(this.load(id));
      this.nameCache.set(id, names);
    }
    return names;
  }

  /**
   * An entry that does not parse (edited by hand, another version's) is sent as none: the
   * server's refusal then says what is missing, where a thrown error would only say "internal".
   */
  load(id: string): RequestHeaders {
    const stored = this.secrets.get(keyOf(id));
    if (stored === null) return {};
    try {
      const parsed = requestHeadersSchema.safeParse(JSON.parse(stored));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  forget(id: string): void {
    if (this.secrets.get(keyOf(id)) !== null) this.secrets.set(keyOf(id), null);
    this.nameCache.delete(id);
  }
}
