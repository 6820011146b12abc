import type { Settings } from '../contract/settings.js';
import { windowState } from '../contract/time-windows.js';
import type { Clock } from './clock.js';

/**
 * Looked at again at least this often, so a changed wall clock (set by hand, or after a sleep the
 * app was not told of) moves the schedule within a minute: timers run on the monotonic clock.
 */
const RECHECK_MS = 60_000;

/**
 * The time-of-day settings as the scheduler sees them (ARCHITECTURE.md §2 "Schedules"): whether
 * the queue may start downloads now, the global speed limit now, and a timer at the next change.
 */
export class QueueSchedule {
  private cancelTimer: (() => void) | null = null;
  queueOpen = true;
  speedLimit: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly settings: () => Settings,
  ) {
    this.evaluate();
  }

  /** Reads the settings and the time; returns when that may next change. */
  evaluate(): number {
    const now = this.clock.now();
    const { queue_schedule: queue, speed_schedule: speed, speed_limit: base } = this.settings();
    const queueState = queue === null ? null : windowState(queue, now);
    const speedState = speed === null ? null : windowState(speed, now);
    this.queueOpen = queueState?.open ?? true;
    this.speedLimit = speed !== null && speedState?.open === true ? Math.min(base ?? Number.POSITIVE_INFINITY, speed.limit) : base;
    return Math.min(now + RECHECK_MS, queueState?.next ?? Number.POSITIVE_INFINITY, speedState?.next ?? Number.POSITIVE_INFINITY);
  }

  /** Evaluates now and calls `due` at the next change (and again after each), until `disarm`. */
  arm(due: () => void): void {
    this.disarm();
    if (this.settings().queue_schedule === null && this.settings().speed_schedule === null) {
      this.evaluate();
      return;
    }
    const next = this.evaluate();
    this.cancelTimer = this.clock.setTimeout(
      () => {
        this.cancelTimer = null;
        due();
      },
      Math.max(0, next - this.clock.now()),
    );
  }

  disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }
}
