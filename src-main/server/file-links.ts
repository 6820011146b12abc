import { createHash, randomBytes } from 'node:crypto';

/** Long enough for a click to become a download; a link found later in a history or log is dead. */
export const FILE_LINK_TTL_MS = 60_000;

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Short-lived links to completed files (ARCHITECTURE.md §7 "File links"). A browser cannot put
 * the API token on an `<a href>` download, and the token must never be in a URL (history, logs,
 * Referer); so the page asks for a link with its token and gets an unguessable one (256 bits)
 * that names one download and dies after FILE_LINK_TTL_MS. Links are kept by their hash: a
 * lookup's timing says nothing about a token's characters.
 */
export class FileLinks {
  private readonly links = new Map<string, { id: string; expiresAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = FILE_LINK_TTL_MS,
  ) {}

  mint(id: string): { token: string; expiresAt: number } {
    const at = this.now();
    for (const [key, link] of this.links) if (link.expiresAt <= at) this.links.delete(key);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = at + this.ttlMs;
    this.links.set(digest(token), { id, expiresAt });
    return { token, expiresAt };
  }

  /** The download a live link names, or null for a wrong or expired one. */
  resolve(token: string): string | null {
    const link = this.links.get(digest(token));
    return link !== undefined && link.expiresAt > this.now() ? link.id : null;
  }
}
