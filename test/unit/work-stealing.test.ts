import { describe, expect, it } from 'vitest';
import { MIN_SPLIT, OPEN_END } from '../../src-main/engine/segments.js';
import { pickSteal, TAIL_SPLIT } from '../../src-main/engine/work-stealing.js';

const MiB = 1024 * 1024;
const fetching = (start: number, end: number, position: number, speed = 4 * MiB, age = 1000) => ({
  segment: { start, end, done: 0 },
  position,
  speed,
  age,
});

describe('pickSteal', () => {
  it('takes half of the largest range left', () => {
    const small = fetching(0, 4 * MiB, 3 * MiB);
    const large = fetching(4 * MiB, 16 * MiB, 6 * MiB);
    expect(pickSteal([small, large], 4 * MiB)).toEqual({ victim: large, at: 11 * MiB });
  });

  it('leaves ranges under 2 × MIN_SPLIT alone while their connections keep pace', () => {
    expect(pickSteal([fetching(0, 2 * MIN_SPLIT, 1)], 4 * MiB)).toBeNull();
    expect(pickSteal([fetching(0, 2 * MIN_SPLIT, 1, MiB)], 4 * MiB)).toBeNull();
  });

  it('at the tail, takes most of a range from a connection several times slower', () => {
    const slow = fetching(0, 2 * MIN_SPLIT - 1, 0, 64 * 1024);
    const pick = pickSteal([slow], 4 * MiB)!;
    expect(pick.victim).toBe(slow);
    // The slow connection keeps its speed's share, never less than TAIL_SPLIT.
    expect(pick.at).toBe(TAIL_SPLIT);
  });

  it('judges no speed on less than half a second, and never cuts an unknown end', () => {
    expect(pickSteal([fetching(0, 2 * MIN_SPLIT - 1, 0, 1024, 100)], 4 * MiB)).toBeNull();
    expect(pickSteal([fetching(0, OPEN_END, 0, 1024)], 4 * MiB)).toBeNull();
  });
});
