import { createHash, timingSafeEqual } from 'node:crypto';

/** Names that always mean this machine, whatever address the server listens on. */
export const LOCAL_HOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** The host name of a Host header or URL authority: no port, no IPv6 brackets, lower case. */
export function hostName(authority: string): string {
  const value = authority.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']'));
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

/**
 * DNS rebinding: a page on evil.example that resolves its name to 127.0.0.1 reaches us with
 * `Host: evil.example`. Only names that mean this machine (or ones the operator allowed) pass.
 */
export function isAllowedHost(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  return hostHeader !== undefined && allowed.has(hostName(hostHeader));
}

/**
 * A browser names the page that sent a request in `Origin`; only our own page may call us
 * (there are no CORS grants). Requests without an Origin (curl, scripts) are judged by token.
 */
export function isSameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  return hostHeader !== undefined && (origin === `http://${hostHeader}` || origin === `https://${hostHeader}`);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export const bearerOf = (authorization: string | undefined): string | null => /^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? null;

/** Bearer token check in constant time (both sides hashed to one length first). */
export function hasToken(authorization: string | undefined, token: string): boolean {
  const given = bearerOf(authorization);
  if (given === null) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}
