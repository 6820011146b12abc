import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { partialPath } from './partial-file.js';
import type { DownloadRecord } from './download-store.js';
import { uniqueFilename } from './file-names.js';

/**
 * Folders compared as the file system may see them: resolved, and case-folded because Windows
 * and macOS ignore case (on Linux this only makes names a little more unique).
 */
const sameFolderKey = (dir: string): string => resolve(dir).toLowerCase();

/**
 * One spelling per folder: links and `..` resolved, so a folder and a link to it are one folder
 * whose names are handed out once (ARCHITECTURE.md §4 "File names"). The part that does not exist
 * yet (created at the first attempt) is kept as written under its deepest existing ancestor.
 */
export async function canonicalFolder(dir: string): Promise<string> {
  const absolute = resolve(dir);
  try {
    return await realpath(absolute);
  } catch (error) {
    const parent = dirname(absolute);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === absolute) return absolute;
    return join(await canonicalFolder(parent), basename(absolute));
  }
}

/** Anything at the path, a dangling link included, takes the name. */
async function occupied(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

export interface NameRequest {
  destDir: string;
  wanted: string;
  /** The download asking, whose own current name is not in its way; null for a new one. */
  self: DownloadRecord | null;
  /** Only the finished file's name matters (the rename at completion). */
  final?: boolean;
}

/**
 * Free file names (ARCHITECTURE.md §4 "File names"): a name under which neither the file nor
 * its partial exists and that no other unfinished download of the same folder uses. Names are
 * handed out one at a time, and the caller records the name it got before the next is chosen,
 * so two downloads can never pick the same name while the disk is being asked.
 */
export class FileNaming {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly downloads: () => Iterable<DownloadRecord>) {}

  /** Finds a free name and runs `commit` with it before any other name is handed out. */
  claim<T>(request: NameRequest, commit: (filename: string) => T): Promise<T> {
    const run = this.queue.then(async () => commit(await this.freeName(request)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async freeName({ destDir, wanted, self, final = false }: NameRequest): Promise<string> {
    const folder = sameFolderKey(destDir);
    const claimed = new Set<string>();
    for (const other of this.downloads()) {
      if (other.id !== self?.id && sameFolderKey(other.dest_dir) === folder && other.status !== 'completed') {
        claimed.add(other.filename.toLowerCase());
      }
    }
    return uniqueFilename(wanted, async (candidate) => {
      if (await occupied(join(destDir, candidate))) return true;
      if (final || candidate === self?.filename) return false;
      return claimed.has(candidate.toLowerCase()) || occupied(partialPath(destDir, candidate));
    });
  }
}
