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

/**
 * The route a download takes: the first usable one. An empty or unusable answer means direct,
 * as Chromium itself falls back. (Chromium would also try the next entry when a proxy fails; an
 * attempt here fails, and the retry policy owns what follows.)
 */
export function firstPacRoute(result: string): ProxyRoute {
  return parsePacResult(result)[0] ?? { kind: 'direct' };
}
