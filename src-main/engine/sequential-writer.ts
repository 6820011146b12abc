import type { PartialFile } from './partial-file.js';

/** ARCHITECTURE.md §5: the durable offset trails the received bytes by at most a second or 16 MiB. */
export const CHECKPOINT_INTERVAL_MS = 1000;
export const CHECKPOINT_BYTES = 16 * 1024 * 1024;
/**
 * Socket chunks are ~64 KiB; one writev per 256 KiB saves three syscalls in four. Larger batches
 * cost memory, not only their own: a chunk held while a 1 MiB batch fills (~30 ms per connection
 * at 8 connections) outlives a scavenge or two and lands in the old generation, which only a
 * full GC frees, so dead chunks piled up (peak RSS of a 1 GiB download 133-151 MiB against
 * 123-130 MiB, and more GC CPU).
 */
const WRITE_BATCH = 256 * 1024;

/**
 * Writes one stream of bytes into a partial file from a start offset, with checkpoints: an
 * fdatasync, then `onCheckpoint(offset)` with what that sync made durable.
 *
 * Disk and network overlap: one batch is written while the next is received, and a sync runs
 * while later bytes keep arriving (it covers every write completed before it began). Awaiting
 * each write in turn would stop reading the socket for as long as the disk takes.
 */
export class SequentialWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written: number;
  private inFlight: Promise<void> | null = null;
  private inFlightBytes = 0;
  private durable: number;
  private syncing: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;
  private lastCheckpoint: number;

  constructor(
    private readonly file: PartialFile,
    start: number,
    private readonly onCheckpoint: (offset: number) => void,
    private readonly now: () => number,
  ) {
    this.written = start;
    this.durable = start;
    this.lastCheckpoint = now();
  }

  /** Bytes received so far: written, being written, or batched. */
  get position(): number {
    return this.written + this.inFlightBytes + this.pendingBytes;
  }

  async append(chunk: Buffer): Promise<void> {
    this.throwIfFailed();
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    // The file's own count too: eight writers each 16 MiB short of a checkpoint would leave
    // 128 MiB unsynced, for a crash to lose and for the last sync to wait on.
    const due =
      this.now() - this.lastCheckpoint >= CHECKPOINT_INTERVAL_MS ||
      this.position - this.durable >= CHECKPOINT_BYTES ||
      this.file.unsyncedBytes >= CHECKPOINT_BYTES;
    // A disk slower than the network must not let the durable offset fall ever further behind.
    if (this.syncing !== null && this.position - this.durable >= 2 * CHECKPOINT_BYTES) await this.syncing;
    if (this.pendingBytes < WRITE_BATCH && !due) return;
    // At most one write in flight: waiting for the previous one is the backpressure.
    await this.inFlight;
    this.throwIfFailed();
    this.inFlight = this.writePending().catch((error: unknown) => {
      this.failure ??= { error };
    });
    if (due && this.syncing === null) this.startSync();
  }

  /**
   * Writes everything received, without syncing: the caller syncs the file once for several
   * writers (one fdatasync instead of one per range) and then records `position` itself.
   */
  async drain(): Promise<void> {
    await this.inFlight;
    await this.syncing;
    this.throwIfFailed();
    await this.writePending();
  }

  /** Writes and syncs everything received and records it: after this, nothing is only in memory. */
  async settle(): Promise<void> {
    await this.inFlight;
    await this.syncing;
    let failure = this.failure;
    if (failure === null) {
      try {
        await this.writePending();
      } catch (error) {
        failure = { error };
      }
    }
    // Even when the rest could not be written (a full disk), what did reach the file is kept:
    // synced and recorded, so a Restart continues from there.
    await this.file.sync();
    this.record(this.written);
    if (failure !== null) throw failure.error;
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure.error;
  }

  private async writePending(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const chunks = this.pending;
    const at = this.written;
    this.inFlightBytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      await this.file.writev(chunks, at);
      this.written = at + this.inFlightBytes;
    } finally {
      this.inFlightBytes = 0;
      this.inFlight = null;
    }
  }

  private startSync(): void {
    const upTo = this.written;
    this.lastCheckpoint = this.now();
    this.syncing = this.file
      .sync()
      .then(
        () => this.record(upTo),
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => {
        this.syncing = null;
      });
  }

  private record(offset: number): void {
    if (offset <= this.durable) return;
    this.durable = offset;
    try {
      this.onCheckpoint(offset);
    } catch (error) {
      // Recording can fail (the database's disk is full): surface it on the next append.
      this.failure ??= { error };
    }
  }
}
