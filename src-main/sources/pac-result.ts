/**
 * Chromium's answer to "which proxy for this URL" (Electron's `session.resolveProxy`, PAC scripts
 * included) in the form PAC's FindProxyForURL returns: `DIRECT`, or `PROXY host:port`,
 * `HTTPS host:port`, `SOCKS host:port` (SOCKS v4), `SOCKS4`, `SOCKS5`, separated by `;` in order
 * of preference. Pure, so each form is a unit test.
 */

export type ProxyRoute = { kind: 'direct' } | { kind: 'proxy'; url: URL };

const SCHEMES: Readonly<Record<string, string>> = {
  PROXY: 'http:',
  HTTP: 'http:',
  HTTPS: 'https:',
  SOCKS: 'socks4:',
  SOCKS4: 'socks4:',
  SOCKS5: 'socks5:',
};

/** Every route the answer lists that we can use, in its order; entries we cannot use (QUIC, garbage) are skipped. */
export function parsePacResult(result: string): ProxyRoute[] {
  const routes: ProxyRoute[] = [];
  for (const entry of result.split(';')) {
    const [type = '', address, ...rest] = entry.trim().split(/\s+/);
    const upper = type.toUpperCase();
    if (upper === 'DIRECT' && address === undefined) {
      routes.push({ kind: 'direct' });
      continue;
    }
    const scheme = SCHEMES[upper];
    if (scheme === undefined || address === undefined || rest.length > 0) continue;
    try {
      const url = new URL(`${scheme}//${address}`);
      if (url.hostname !== '' && url.username === '' && url.pathname.replace(/^\/$/, '') === '') routes.push({ kind: 'proxy', url });
    } catch {
      // Not a host:port: unusable, like an unknown type.
    }
  }
  return routes;
}

/** The route a request takes, and whether the answer leaves another to try if its proxy cannot be reached. */
export interface PacChoice {
  route: ProxyRoute;
  fallback: boolean;
}

/**
 * The first usable entry whose proxy has not just failed (`unreachable`), as Chromium skips a
 * proxy it found down for a while; when every proxy listed has failed, the first entry again.
 * An empty or unusable answer means direct, as Chromium itself falls back.
 */
export function pickPacRoute(result: string, unreachable: (proxy: URL) => boolean): PacChoice {
  const routes = parsePacResult(result);
  const open = routes.filter((route) => route.kind === 'direct' || !unreachable(route.url));
  if (open.length === 0) return { route: routes[0] ?? { kind: 'direct' }, fallback: false };
  return { route: open[0]!, fallback: open.length > 1 };
}
