import { type FileHandle, open } from 'node:fs/promises';

/**
 * The `.partial` file of one download. Writes are positional, so several byte ranges of one
 * file can be written at once by later segmented downloads; `sync` is the durability point a
 * checkpoint waits for before it records an offset.
 */
export class PartialFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens the partial for positional writing, creating it when it does not exist yet. */
  static async open(path: string): Promise<PartialFile> {
    try {
      return new PartialFile(path, await open(path, 'r+'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return new PartialFile(path, await open(path, 'w+'));
    }
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
