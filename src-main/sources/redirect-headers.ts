import type { BeforeRedirectHook } from 'got';
import { ORIGIN_BOUND_HEADERS, type RequestHeaders } from '../contract/request-headers.js';

/** got's spelling: lower-case names. */
const ORIGIN_BOUND = ORIGIN_BOUND_HEADERS.map((name) => name.toLowerCase());

/** The download's headers as got takes them: lower-case names. */
export function requestHeaderFields(headers: RequestHeaders): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) fields[name.toLowerCase()] = value;
  return fields;
}

const originOf = (url: string | URL | undefined): string | null => {
  if (url === undefined) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * A got hook that drops the origin-bound headers (as curl and browsers do) once a redirect leaves the download's origin
 * (scheme, host and port): got itself drops Cookie and Authorization only when the host or port
 * changes, and never Referer. Once dropped they stay dropped, even if a later hop comes back.
 */
export function dropHeadersOffOrigin(url: string): BeforeRedirectHook {
  const origin = originOf(url);
  return (options) => {
    if (origin !== null && originOf(options.url) === origin) return;
    for (const name of ORIGIN_BOUND) delete options.headers[name];
  };
}
