import type { Clock } from './clock.js';

/**
 * Collects the ids of changed downloads and hands them over at most once per interval, so
 * front ends get at most 10 updates a second however many downloads are moving.
 */
export class ChangeBatcher {
  private readonly pending = new Set<string>();
  private cancelTimer: (() => void) | null = null;
  private lastFlush = -Infinity;

  constructor(
    private readonly flush: (ids: string[]) => void,
    private readonly clock: Clock,
    private readonly intervalMs = 100,
  ) {}

  mark(id: string): void {
    this.pending.add(id);
    if (this.cancelTimer !== null) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.clock.now());
    this.cancelTimer = this.clock.setTimeout(() => this.flushNow(), wait);
  }

  /** Hands over what is pending now (shutdown, tests). */
  flushNow(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.pending.size === 0) return;
    this.lastFlush = this.clock.now();
    const ids = [...this.pending];
    this.pending.clear();
    this.flush(ids);
  }
}
