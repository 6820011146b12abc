/**
 * Only our own page may call the engine: the sender frame's URL, without its fragment, must be
 * exactly the page we loaded (a file:// URL when built, the dev server's in development).
 */
export function trustedSender(pageUrl: string): (frame: { url: string } | null) => boolean {
  const expected = pageUrl.split('#')[0];
  return (frame) => frame !== null && frame.url.split('#')[0] === expected;
}
