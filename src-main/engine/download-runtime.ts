import { AttemptStory } from './attempt-story.js';
import type { Clock } from './clock.js';
import type { DownloadRecord } from './download-store.js';
import type { LiveProgress } from './snapshot.js';
import { SpeedMeter } from './speed-meter.js';
import { TokenBucket } from './token-bucket.js';

export type StopReason = 'pause' | 'cancel' | 'remove' | 'shutdown' | 'schedule';

/** When stops race (cancel, then quit), the more final one wins: nothing the user ended comes back. */
const STOP_RANK: Record<StopReason, number> = { schedule: 0, shutdown: 1, pause: 2, cancel: 3, remove: 4 };

/** What only a running attempt knows. */
export interface LiveAttempt {
  readonly abort: AbortController;
  stopReason: StopReason | null;
  /** Bytes written by the attempt, ahead of the durable offset in the record. */
  bytes: number;
  readonly speed: SpeedMeter;
  /** Connections with a response open. */
  connections: number;
  /** This download's own speed limit. */
  readonly limit: TokenBucket;
  /** Times a connection failed and reconnected while others went on. */
  connectionRetries: number;
  /** What it wrote where, and how fast: saved with its row as responses end and when it ends. */
  readonly story: AttemptStory;
  /** The computer slept while it ran: a transient failure is the sleep's, not the server's. */
  sleptThrough: boolean;
  done: Promise<void>;
}

/**
 * One download as the engine holds it (ARCHITECTURE.md §8 "The engine's objects"): its record
 * (the last state written to the store) and everything that exists only while the process runs —
 * the running attempt with its abort controller, live bytes, speed and speed limit; the retry
 * timer; whether a due retry waits for the network. Nothing here needs clearing by hand: the
 * object is dropped with the download.
 */
export class DownloadRuntime {
  private live: LiveAttempt | null = null;
  private cancelRetryTimer: (() => void) | null = null;
  /** Its retry is due, but the system reports no network. */
  waitingForNetwork = false;
  /** The most connections its host allows, as learned (ARCHITECTURE.md §5), or null. */
  connectionLimit: number | null = null;

  constructor(
    public record: DownloadRecord,
    private readonly clock: Clock,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get attempt(): LiveAttempt | null {
    return this.live;
  }

  /** Starts the bookkeeping of an attempt; `done` is set by the caller once the attempt runs. */
  beginAttempt(): LiveAttempt {
    this.live = {
      abort: new AbortController(),
      stopReason: null,
      bytes: this.record.downloaded_bytes,
      speed: new SpeedMeter(),
      connections: 0,
      limit: new TokenBucket(this.record.speed_limit, () => this.clock.now()),
      connectionRetries: 0,
      story: new AttemptStory(this.clock.now()),
      sleptThrough: false,
      done: Promise.resolve(),
    };
    return this.live;
  }

  endAttempt(): void {
    this.live = null;
  }

  /** Bytes arrived: cheap, it runs per chunk. */
  addBytes(position: number, chunk: number): void {
    if (this.live === null) return;
    this.live.bytes = position;
    const now = this.clock.now();
    this.live.speed.add(chunk, now);
    this.live.story.addBytes(chunk, now);
  }

  setSpeedLimit(limit: number | null): void {
    this.live?.limit.setRate(limit);
  }

  /** Stops the running attempt, if any, and waits until its bytes are checkpointed. */
  async stop(reason: StopReason): Promise<void> {
    const live = this.live;
    if (live === null) return;
    if (live.stopReason === null || STOP_RANK[reason] > STOP_RANK[live.stopReason]) live.stopReason = reason;
    live.abort.abort(new Error(`download ${reason}`));
    await live.done;
  }

  /** Runs `due` at `at` (epoch ms), replacing any retry already timed. */
  timeRetry(at: number, due: () => void): void {
    this.cancelRetry();
    this.cancelRetryTimer = this.clock.setTimeout(
      () => {
        this.cancelRetryTimer = null;
        due();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  cancelRetry(): void {
    this.cancelRetryTimer?.();
    this.cancelRetryTimer = null;
    this.waitingForNetwork = false;
  }

  progress(): LiveProgress | null {
    const live = this.live;
    if (live === null) return null;
    const speed = live.speed.bytesPerSecond(this.clock.now());
    return { bytes: live.bytes, speed, connections: live.connections, connectionRetries: live.connectionRetries };
  }
}
