import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Files of the data folder that other users must not read: the database with its side and
 * set-aside files (every URL, signed ones included), the API token, the secrets.
 */
const isPrivate = (name: string) => name.startsWith('steadfast.db') || name === 'token' || name.startsWith('secrets.');

export interface Tightened {
  path: string;
  /** Permission bits before and after. */
  from: number;
  to: number;
}

/**
 * Creates the data folder readable by its owner only (0700), or makes an existing one so, and
 * takes every group and other permission off the private files in it (0600): an older version
 * left them 0755 and 0644 (ARCHITECTURE.md §6). Bits are only ever taken away, so a file its
 * owner may not read stays so. Symbolic links are not followed. Says what it changed.
 * POSIX modes only: on Windows the folder is only created.
 */
export function preparePrivateDataDir(dir: string, platform = process.platform): Tightened[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return [];
  const tightened: Tightened[] = [];
  const restrict = (path: string) => {
    const from = statSync(path).mode & 0o7777;
    const to = from & ~0o077;
    if (to === from) return;
    chmodSync(path, to);
    tightened.push({ path, from, to });
  };
  restrict(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && isPrivate(entry.name)) restrict(join(dir, entry.name));
  }
  return tightened;
}
