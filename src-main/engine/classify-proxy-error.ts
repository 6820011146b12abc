import { type DownloadError, permanentError, transientError } from './download-error.js';

/**
 * Failures that belong to a proxy rather than to the server behind it (ARCHITECTURE.md §3).
 * Pure, like classify-error.ts. Messages name the proxy by host and port only: its URL may carry
 * a user and password.
 */

/** The proxy a request went through, as messages may show it. */
export interface ProxyInUse {
  /** host:port */
  host: string;
  /** Whether the request offered the proxy a user and password. */
  withCredentials: boolean;
}

interface ConnectErrorLike {
  code?: unknown;
  port?: unknown;
  hostname?: unknown;
  cause?: unknown;
}

/** Connection failures that, with a proxy in the way, mean the proxy could not be reached. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EAI_NONAME: 'host not found',
  EAI_FAIL: 'host not found',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'network unreachable',
  ENETDOWN: 'network unreachable',
  EHOSTDOWN: 'network unreachable',
};

/** The error and what it wraps (got keeps the socket's error as `cause`). */
function layers(error: unknown): ConnectErrorLike[] {
  const found: ConnectErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && found.length < 4) {
    found.push(current as ConnectErrorLike);
    current = (current as ConnectErrorLike).cause;
  }
  return found;
}

/** The messages of the `socks` client's errors (it sets no code): what the SOCKS proxy said. */
const SOCKS_LOGIN_REFUSED = /^Socks5 Authentication failed|no accepted authentication type/;
const SOCKS_ERROR = /^(Socks[45] |Socket closed|Proxy connection timed out|Negotiation error|Received invalid Socks)/i;

/**
 * A connection failure while a proxy was in use, or null when it is not the proxy's (the
 * caller's usual classification applies): PROXY_UNREACHABLE (transient) when the proxy could not
 * be reached; a SOCKS proxy refusing the login is PROXY_AUTH_REQUIRED (permanent), any other
 * SOCKS refusal PROXY_ERROR (transient). A socket error that names another host or port (a
 * SOCKS proxy resolving the target here, say) is not the proxy's.
 */
export function proxyConnectionError(error: unknown, proxy: ProxyInUse, target: string): DownloadError | null {
  const all = layers(error);
  const socks = all.map((layer) => (layer instanceof Error ? layer.message : '')).find((message) => SOCKS_ERROR.test(message) || SOCKS_LOGIN_REFUSED.test(message));
  if (socks !== undefined) {
    if (SOCKS_LOGIN_REFUSED.test(socks)) {
      return permanentError('PROXY_AUTH_REQUIRED', proxy.withCredentials ? `The proxy ${proxy.host} did not accept its user name and password` : `The proxy ${proxy.host} requires a user name and password`, error);
    }
    return transientError('PROXY_ERROR', `The proxy ${proxy.host} could not connect to ${target}`, error);
  }
  const code = all.map((layer) => layer.code).find((value): value is string => typeof value === 'string');
  if (code === undefined || !Object.hasOwn(UNREACHABLE, code)) return null;
  const { hostname, port } = splitHost(proxy.host);
  for (const layer of all) {
    if (typeof layer.hostname === 'string' && layer.hostname.toLowerCase() !== hostname) return null;
    if (typeof layer.port === 'number' && port !== null && layer.port !== port) return null;
  }
  return transientError('PROXY_UNREACHABLE', `Could not reach the proxy ${proxy.host} (${UNREACHABLE[code]})`, error);
}

/**
 * An HTTP status that the proxy itself answered. 407 is only ever a proxy's; the others count as
 * the proxy's when `tunnelRefused` (its answer to CONNECT was not 200), since the server behind
 * it was never reached. Some proxies (tinyproxy) answer a wrong password with 401, not 407: over
 * a tunnel that is the proxy's; on a plain http:// request it may be either's, and the message
 * says so. Null: the status is the server's.
 */
export function proxyStatusError(status: number, proxy: ProxyInUse, target: string, tunnelRefused: boolean): DownloadError | null {
  const refusedLogin = proxy.withCredentials
    ? `The proxy ${proxy.host} did not accept its user name and password`
    : `The proxy ${proxy.host} requires a user name and password`;
  if (status === 407 || (tunnelRefused && status === 401)) return permanentError('PROXY_AUTH_REQUIRED', `${refusedLogin} (HTTP ${status})`);
  if (!tunnelRefused) {
    if (status === 401 && proxy.withCredentials) {
      return permanentError('UNAUTHORIZED', `${target} requires a login, or the proxy ${proxy.host} refused its user name and password (HTTP 401)`);
    }
    return null;
  }
  // Proxies answer a tunnel they could not open with some 5xx (tinyproxy: 500), as a server is down.
  if (status >= 500) {
    return transientError('PROXY_ERROR', `The proxy ${proxy.host} could not reach ${target} (HTTP ${status})`);
  }
  return permanentError('PROXY_ERROR', `The proxy ${proxy.host} refused to connect to ${target} (HTTP ${status})`);
}

function splitHost(host: string): { hostname: string; port: number | null } {
  const match = /^\[?(.*?)\]?(?::(\d+))?$/.exec(host);
  return { hostname: (match?.[1] ?? host).toLowerCase(), port: match?.[2] === undefined ? null : Number(match[2]) };
}
