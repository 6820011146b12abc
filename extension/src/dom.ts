/** The element with this id, which the page's HTML is known to have. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`The page has no #${id}`);
  return element as T;
}

/** Sets a status line's text and its tone (ok, warn, bad). */
export function say(element: HTMLElement, text: string, tone: 'ok' | 'warn' | 'bad' | null = null): void {
  element.textContent = text;
  element.className = tone === null ? 'state' : `state state--${tone}`;
}

/** How a pairing is described on both pages. */
export const pairedSince = (server: string, pairedAt: number | null): string =>
  `Paired with Steadfast at ${server}${pairedAt === null ? '' : ` since ${new Date(pairedAt).toLocaleString()}`}`;
