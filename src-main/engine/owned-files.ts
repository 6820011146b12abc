import { type BigIntStats, constants } from 'node:fs';
import { lstat, link, rename, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { permanentError } from './download-error.js';

/**
 * Files a download may touch are the ones it created (ARCHITECTURE.md §4 "File names"): each is
 * known by `device:inode:birth time`, which stays with the file across renames and writes. The
 * inode alone is not enough: a file deleted and another created at once often get the same one
 * (ext4 does). A path that holds anything else (a link, a file someone put there) is left alone.
 */
export type FileIdentity = string;

export const identityOf = (stats: BigIntStats): FileIdentity => `${stats.dev}:${stats.ino}:${stats.birthtimeNs}`;

/** O_NOFOLLOW where the OS has it; Windows has not, and there an lstat check stands in. */
export const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** What is at `path`, not following a link, or null when nothing is. */
export async function lstatOrNull(path: string): Promise<BigIntStats | null> {
  try {
    return await lstat(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The permanent error for a path that holds something the download did not create. */
export function notOurs(path: string, link: boolean): Error {
  const what = link ? 'is a symbolic link' : 'is not the file Steadfast created (something replaced it)';
  return permanentError(
    'PARTIAL_NOT_OURS',
    `${basename(path)} in ${dirname(path)} ${what}; it was left untouched. Move it away, then Restart.`,
  );
}

/**
 * Deletes `path` only when it is the regular file `identity` names; anything else there (or
 * nothing) is left as it is. Returns whether it deleted. A download that never recorded a file
 * (`identity` null) deletes nothing.
 */
export async function removeOwned(path: string, identity: FileIdentity | null): Promise<boolean> {
  if (identity === null) return false;
  const stats = await lstatOrNull(path);
  if (stats === null || !stats.isFile() || identityOf(stats) !== identity) return false;
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** File systems without hard links (FAT, some network shares) refuse link() with one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Gives the finished file its final name without ever replacing what is there, a file or a link
 * (rename() would): a hard link fails with EEXIST when the name is taken, then the partial's
 * name is dropped. Where the file system has no hard links, the name is checked just before a
 * rename, which leaves a moment's race. Throws an EEXIST error when the name is taken.
 */
export async function placeWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!NO_HARD_LINKS.has(code)) throw error;
    if ((await lstatOrNull(to)) !== null) throw Object.assign(new Error(`${to} exists`), { code: 'EEXIST' });
    await rename(from, to);
    return;
  }
  await unlink(from);
}
