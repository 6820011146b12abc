import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadRecord } from './download-store.js';
import { identityOf, NO_FOLLOW } from './owned-files.js';

/** A completed download's file, open for reading; the caller closes `handle`. */
export interface CompletedFile {
  handle: FileHandle;
  size: number;
  filename: string;
  path: string;
}

const notServed = (filename: string, why: string) =>
  new ApiRequestError('FORBIDDEN', `${filename} ${why}; it is not the file Steadfast completed, so it is not handed out`);

/**
 * Opens the file a download completed, and only that file (ARCHITECTURE.md §4 "Only its own
 * files"): never through a link, and only if it is still the file the download created (its
 * recorded identity; a download from before identities were recorded needs a regular file of
 * its completed size). Something put in its place is refused, not served.
 */
export async function openCompletedFile(record: DownloadRecord): Promise<CompletedFile> {
  if (record.status !== 'completed') {
    throw new ApiRequestError('INVALID_STATE', `Only a completed download has a file to hand out; this one is ${record.status}`);
  }
  const path = join(record.dest_dir, record.filename);
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | NO_FOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ApiRequestError('NOT_FOUND', `${record.filename} is no longer in ${record.dest_dir}`);
    if (code === 'ELOOP') throw notServed(record.filename, 'is a symbolic link');
    throw error;
  }
  try {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile()) throw notServed(record.filename, 'is not a regular file');
    const same = record.partial_file === null ? Number(stats.size) === record.total_bytes : identityOf(stats) === record.partial_file;
    if (!same) throw notServed(record.filename, 'was replaced');
    return { handle, size: Number(stats.size), filename: record.filename, path };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
