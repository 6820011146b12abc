// proxy-from-env ships no types; this is the one function Steadfast uses.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (any case), or '' for direct. */
  export function getProxyForUrl(url: string | URL): string;
}
