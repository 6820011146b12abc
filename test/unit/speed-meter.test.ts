import { describe, it, expect } from 'vitest';
import { SpeedMeter } from '../../src-main/engine/speed-meter.js';

describe('SpeedMeter', () => {
  it('is 0 before any bytes', () => {
    expect(new SpeedMeter().bytesPerSecond(0)).toBe(0);
    expect(new SpeedMeter().bytesPerSecond(123_456)).toBe(0);
  });

  it('counts a span under a second as a whole second', () => {
    const meter = new SpeedMeter();
    meter.add(1000, 0);
    expect(meter.bytesPerSecond(0)).toBe(1000);
    meter.add(500, 400);
    expect(meter.bytesPerSecond(500)).toBe(1500);
  });

  it('averages over the span from the oldest bucket in the window', () => {
    const meter = new SpeedMeter();
    for (let at = 0; at <= 4000; at += 1000) meter.add(1000, at);
    // 5000 bytes over 4 s
    expect(meter.bytesPerSecond(4000)).toBe(1250);
    // 5000 bytes over 5 s: the bucket at 0 is still inside a 5 s window at t = 5000
    expect(meter.bytesPerSecond(5000)).toBe(1000);
  });

  it('a steady rate reads as that rate', () => {
    const meter = new SpeedMeter();
    // 10 kB every 100 ms = 100 kB/s, for 10 s
    for (let at = 0; at <= 10_000; at += 100) meter.add(10_000, at);
    // the 5 s window [5000, 10000] holds 51 buckets = 510 kB over 5 s
    expect(meter.bytesPerSecond(10_000)).toBe(102_000);
  });

  it('forgets what fell out of the window', () => {
    const meter = new SpeedMeter();
    meter.add(10_000_000, 0);
    meter.add(1000, 6000);
    expect(meter.bytesPerSecond(6000)).toBe(1000);
  });

  it('drops to 0 after a full window of silence', () => {
    const meter = new SpeedMeter();
    meter.add(1000, 0);
    expect(meter.bytesPerSecond(5000)).toBe(200);
    expect(meter.bytesPerSecond(5001)).toBe(0);
  });

  it('sums bytes within 100 ms into one bucket timed at its start', () => {
    const meter = new SpeedMeter(1000);
    meter.add(100, 0);
    meter.add(100, 99); // same bucket as t = 0
    meter.add(100, 100); // a new bucket
    // at t = 1050 the window starts at 50: the merged bucket (at 0) is out, the one at 100 in
    expect(meter.bytesPerSecond(1050)).toBe(100);
    expect(meter.bytesPerSecond(1000)).toBe(300);
  });

  it('honours a custom window', () => {
    const meter = new SpeedMeter(2000);
    meter.add(4000, 0);
    meter.add(2000, 2500);
    expect(meter.bytesPerSecond(2500)).toBe(2000);
    expect(meter.bytesPerSecond(4500)).toBe(1000);
    expect(meter.bytesPerSecond(4501)).toBe(0);
  });

  it('rounds to whole bytes per second', () => {
    const meter = new SpeedMeter();
    meter.add(1000, 0);
    expect(meter.bytesPerSecond(3000)).toBe(333);
    const other = new SpeedMeter();
    other.add(2000, 0);
    expect(other.bytesPerSecond(3000)).toBe(667);
  });

  it('a burst of tiny chunks within 100 ms is one bucket', () => {
    const meter = new SpeedMeter();
    for (let i = 0; i < 100_000; i += 1) meter.add(16, i / 1000); // 100k chunks within 100 ms
    expect(meter.bytesPerSecond(100)).toBe(1_600_000);
    // all of them in the bucket at t = 0: it leaves the window as one
    expect(meter.bytesPerSecond(5000)).toBe(320_000);
    expect(meter.bytesPerSecond(5001)).toBe(0);
  });
});
