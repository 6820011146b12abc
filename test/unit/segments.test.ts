import { describe, expect, it } from 'vitest';
import { clampToFile, durableEnd, MIN_SPLIT, OPEN_END, segmentRows, segmentsToResume, spread } from '../../src-main/engine/segments.js';

describe('segments', () => {
  it('a download without recorded ranges is one range holding its durable offset', () => {
    expect(segmentsToResume([], 100, 40)).toEqual([{ start: 0, end: 100, done: 40 }]);
    expect(segmentsToResume([], null, 40)).toEqual([{ start: 0, end: OPEN_END, done: 40 }]);
    // Recorded ranges need a known size; without one they cannot be trusted.
    expect(segmentsToResume([{ start: 0, end: 10, done: 5 }], null, 5)).toEqual([{ start: 0, end: OPEN_END, done: 5 }]);
  });

  it('one range from byte 0 is recorded as downloaded_bytes alone; split ranges as rows', () => {
    expect(segmentRows([{ start: 0, end: 100, done: 40 }])).toBeUndefined();
    // Forgetting every range clears the table.
    expect(segmentRows([])).toEqual([]);
    const split = [
      { start: 0, end: 50, done: 10 },
      { start: 50, end: 100, done: 0 },
    ];
    expect(segmentRows(split)).toBe(split);
  });

  it('progress is clamped to what the partial file holds', () => {
    const ranges = [
      { start: 0, end: 50, done: 50 },
      { start: 50, end: 100, done: 30 },
    ];
    expect(clampToFile(ranges, 0)).toEqual([
      { start: 0, end: 50, done: 0 },
      { start: 50, end: 100, done: 0 },
    ]);
    expect(clampToFile(ranges, 60)).toEqual([
      { start: 0, end: 50, done: 50 },
      { start: 50, end: 100, done: 10 },
    ]);
    expect(clampToFile(ranges, 1000)).toEqual(ranges);
    expect(durableEnd(clampToFile(ranges, 60))).toBe(60);
  });

  it('connections are spread evenly over what is left, never below MIN_SPLIT', () => {
    const all = [{ start: 0, end: 8 * MIN_SPLIT, done: 0 }];
    const parts = spread(all, 4);
    expect(parts.map((p) => [p.start, p.end])).toEqual([
      [0, 2 * MIN_SPLIT],
      [2 * MIN_SPLIT, 4 * MIN_SPLIT],
      [4 * MIN_SPLIT, 6 * MIN_SPLIT],
      [6 * MIN_SPLIT, 8 * MIN_SPLIT],
    ]);
    expect(all).toHaveLength(4);
    const small = [{ start: 0, end: 3 * MIN_SPLIT, done: MIN_SPLIT }];
    expect(spread(small, 8)).toHaveLength(2);
  });
});
