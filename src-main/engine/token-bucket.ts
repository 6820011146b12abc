import { setTimeout as sleep } from 'node:timers/promises';

/** How much may pass at once after a quiet spell: a tenth of a second's worth keeps rates smooth. */
const BURST_SECONDS = 0.1;

/**
 * A speed limit: bytes are taken from a bucket that refills at `rate` per second. A taker that
 * overdraws waits out its debt, so readers slow down and TCP flow control slows the sender.
 * Shared buckets (the global limit) divide the rate among everyone who takes from them.
 */
export class TokenBucket {
  private tokens = 0;
  private last: number;

  constructor(
    private rate: number | null,
    private readonly now: () => number = Date.now,
  ) {
    this.last = now();
    this.tokens = (rate ?? 0) * BURST_SECONDS;
  }

  /** A new limit applies from now on; null lifts it. */
  setRate(rate: number | null): void {
    this.refill();
    this.rate = rate;
    if (rate !== null) this.tokens = Math.min(this.tokens, rate * BURST_SECONDS);
  }

  async take(bytes: number, signal: AbortSignal): Promise<void> {
    if (this.rate === null) return;
    this.refill();
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    await sleep((-this.tokens / this.rate) * 1000, undefined, { signal });
  }

  private refill(): void {
    const now = this.now();
    if (this.rate !== null) {
      this.tokens = Math.min(this.rate * BURST_SECONDS, this.tokens + ((now - this.last) / 1000) * this.rate);
    }
    this.last = now;
  }
}
