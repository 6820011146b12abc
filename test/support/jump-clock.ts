import type { Clock } from '../../src-main/engine/clock.js';

/**
 * A clock that runs in real time from a chosen moment and can be moved forward: `advance` is time
 * passing while the computer is awake (the monotonic clock moves too), `sleep` is a suspend (only
 * the wall clock moves). Timers due after a move fire at once, as real ones would have.
 */
export class JumpClock implements Clock {
  private wallOffset: number;
  private awakeOffset = 0;
  private readonly timers = new Set<{ due: number; fire: () => void }>();

  constructor(startAt: number) {
    this.wallOffset = startAt - Date.now();
  }

  now(): number {
    return Date.now() + this.wallOffset;
  }

  /** What `performance.now` would say: it stops while the computer sleeps. */
  readonly monotonic = (): number => performance.now() + this.awakeOffset;

  setTimeout(callback: () => void, ms: number): () => void {
    const entry = {
      due: this.now() + ms,
      fire: () => {
        clearTimeout(timer);
        this.timers.delete(entry);
        callback();
      },
    };
    const timer = setTimeout(entry.fire, ms);
    this.timers.add(entry);
    return () => {
      clearTimeout(timer);
      this.timers.delete(entry);
    };
  }

  advance(ms: number): void {
    this.awakeOffset += ms;
    this.move(ms);
  }

  sleep(ms: number): void {
    this.move(ms);
  }

  private move(ms: number): void {
    this.wallOffset += ms;
    const now = this.now();
    for (const entry of [...this.timers].sort((a, b) => a.due - b.due)) if (entry.due <= now) entry.fire();
  }
}

/** Epoch ms of a local time of day on a fixed Monday (2026-01-05), so tests do not depend on the time zone. */
export function mondayAt(hours: number, minutes = 0, seconds = 0): number {
  return new Date(2026, 0, 5, hours, minutes, seconds).getTime();
}
