import { type BigIntStats, constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { PARTIAL_SUFFIX } from './file-names.js';
import { type FileIdentity, identityOf, lstatOrNull, NO_FOLLOW, notOurs } from './owned-files.js';

export const partialPath = (destDir: string, filename: string): string => join(destDir, `${filename}${PARTIAL_SUFFIX}`);

/**
 * The `.partial` file of one download. Writes are positional, so several byte ranges of one
 * file can be written at once by later segmented downloads; `sync` is the durability point a
 * checkpoint waits for before it records an offset.
 */
export class PartialFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    /** The file's identity (owned-files.ts): the download records it, and touches no other file under this name. */
    readonly identity: FileIdentity,
  ) {}

  /**
   * Opens the download's own partial for positional writing (ARCHITECTURE.md §4 "File names"):
   * the file `identity` names, never through a link; or, when nothing is at `path`, a new one,
   * created exclusively. Anything else there (a link, a file that replaced ours) is refused with
   * PARTIAL_NOT_OURS and left untouched. `adopt` accepts a regular file with no recorded
   * identity: a download from before identities were recorded, with bytes in its partial.
   * `nothingKept` (no durable byte yet) also accepts the partial a crash left between creating it
   * and recording it: empty, one link, this user's. Taking it loses nothing and writes into no
   * other file (ARCHITECTURE.md §4 "Only its own files").
   */
  static async claim(path: string, identity: FileIdentity | null, adopt: boolean, nothingKept = false): Promise<PartialFile> {
    const found = await lstatOrNull(path);
    if (found?.isSymbolicLink()) throw notOurs(path, true);
    if (found !== null) {
      const handle = await open(path, constants.O_RDWR | NO_FOLLOW).catch((error: unknown) => {
        // Replaced by a link since the lstat.
        throw (error as NodeJS.ErrnoException).code === 'ELOOP' ? notOurs(path, true) : error;
      });
      const stats = await handle.stat({ bigint: true });
      const ours = identity === null ? adopt : identityOf(stats) === identity;
      if (stats.isFile() && (ours || (nothingKept && leftByACrash(stats)))) return new PartialFile(path, handle, identityOf(stats));
      await handle.close();
      throw notOurs(path, false);
    }
    // O_EXCL never follows a link and never opens a file that appeared since the lstat.
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW, 0o666).catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === 'EEXIST' ? notOurs(path, false) : error;
    });
    return new PartialFile(path, handle, identityOf(await handle.stat({ bigint: true })));
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  async truncate(length: number): Promise<void> {
    await this.handle.truncate(length);
  }

  /** Writes all of `data` at `position`; a short write from the OS is continued, never dropped. */
  async write(data: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < data.byteLength) {
      const { bytesWritten } = await this.handle.write(data, done, data.byteLength - done, position + done);
      done += bytesWritten;
      this.unsynced += bytesWritten;
    }
  }

  /** Writes `chunks` back to back from `position` in one system call where the OS allows. */
  async writev(chunks: readonly Buffer[], position: number): Promise<void> {
    const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    const { bytesWritten } = await this.handle.writev(chunks, position);
    this.unsynced += bytesWritten;
    if (bytesWritten < total) {
      await this.write(Buffer.concat(chunks).subarray(bytesWritten), position + bytesWritten);
    }
  }

  /**
   * fdatasync: every write that completed before the call is on disk when this resolves. The
   * writers of a segmented download share one file, so their syncs are grouped: a call made
   * while a sync runs (which may have started before that caller's writes completed) waits for
   * the next one, which callers arriving meanwhile share.
   *
   * Once a sync has failed, every later one fails the same way: after a failed writeback the
   * kernel may have dropped the dirty pages and a second fdatasync would report success over
   * the hole, letting a checkpoint claim bytes that are not on disk.
   */
  sync(): Promise<void> {
    if (this.syncFailure !== null) return Promise.reject(this.syncFailure.error);
    if (this.running === null) return this.startSync();
    this.next ??= this.running.then(
      () => this.startSync(),
      (error: unknown) => {
        this.next = null;
        throw error;
      },
    );
    return this.next;
  }

  /**
   * Bytes written by any writer since the last sync began: what a crash could still lose. The
   * writers of a split download each checkpoint on their own, so this is what bounds the file's
   * dirty bytes as a whole (ARCHITECTURE.md §5 "Writing").
   */
  get unsyncedBytes(): number {
    return this.unsynced;
  }

  private unsynced = 0;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private syncFailure: { error: unknown } | null = null;

  private startSync(): Promise<void> {
    this.next = null;
    this.unsynced = 0;
    const running = this.handle
      .datasync()
      .catch((error: unknown) => {
        this.syncFailure ??= { error };
        throw error;
      })
      .finally(() => {
        if (this.running === running) this.running = null;
      });
    this.running = running;
    return running;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** An empty file with one link, owned by this user: what a crash right after `O_EXCL` leaves. */
function leftByACrash(stats: BigIntStats): boolean {
  const uid = process.getuid?.();
  return stats.size === 0n && stats.nlink === 1n && (uid === undefined || stats.uid === BigInt(uid));
}
