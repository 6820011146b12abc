const BUCKET_MS = 100;

/**
 * Download speed over a sliding window, so one slow or fast chunk does not make the number
 * (and the ETA derived from it) jump around. Bytes are summed in 100 ms buckets to keep the
 * cost flat at gigabit rates.
 */
export class SpeedMeter {
  private buckets: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  add(bytes: number, at: number): void {
    const last = this.buckets.at(-1);
    if (last && at - last.at < BUCKET_MS) last.bytes += bytes;
    else this.buckets.push({ at, bytes });
    const cutoff = at - this.windowMs;
    while (this.buckets.length > 1 && this.buckets[0]!.at < cutoff) this.buckets.shift();
  }

  /** Bytes per second over the window; spans under a second count as a second. */
  bytesPerSecond(now: number): number {
    const recent = this.buckets.filter((b) => b.at >= now - this.windowMs);
    if (recent.length === 0) return 0;
    const span = Math.max(now - recent[0]!.at, 1000);
    const bytes = recent.reduce((sum, b) => sum + b.bytes, 0);
    return Math.round((bytes * 1000) / span);
  }
}
