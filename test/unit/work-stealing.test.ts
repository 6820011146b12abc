import { describe, expect, it } from 'vitest';
import { MIN_SPLIT, OPEN_END } from '../../src-main/engine/segments.js';
import { pickSteal, SILENT_MIN_MS, TAIL_SPLIT } from '../../src-main/engine/work-stealing.js';

const MiB = 1024 * 1024;
const fetching = (start: number, end: number, position: number, speed = 4 * MiB, age = 1000, silentMs = 0) => ({
  segment: { start, end, done: 0 },
  position,
  speed,
  age,
  silentMs,
});

describe('pickSteal', () => {
  it('takes half of the largest range left', () => {
    const small = fetching(0, 4 * MiB, 3 * MiB);
    const large = fetching(4 * MiB, 16 * MiB, 6 * MiB);
    expect(pickSteal([small, large], 4 * MiB, null)).toEqual({ victim: large, at: 11 * MiB });
  });

  it('leaves ranges under 2 × MIN_SPLIT alone while their connections keep pace', () => {
    expect(pickSteal([fetching(0, 2 * MIN_SPLIT, 1)], 4 * MiB, null)).toBeNull();
    expect(pickSteal([fetching(0, 2 * MIN_SPLIT, 1, MiB)], 4 * MiB, null)).toBeNull();
  });

  it('at the tail, takes most of a range from a connection several times slower', () => {
    const slow = fetching(0, 2 * MIN_SPLIT - 1, 0, 64 * 1024);
    const pick = pickSteal([slow], 4 * MiB, null)!;
    expect(pick.victim).toBe(slow);
    // The slow connection keeps its speed's share, never less than TAIL_SPLIT.
    expect(pick.at).toBe(TAIL_SPLIT);
  });

  it('judges no speed on less than half a second, and never cuts an unknown end', () => {
    expect(pickSteal([fetching(0, 2 * MIN_SPLIT - 1, 0, 1024, 100)], 4 * MiB, null)).toBeNull();
    expect(pickSteal([fetching(0, OPEN_END, 0, 1024)], 4 * MiB, null)).toBeNull();
  });

  it('at the tail, takes all the rest from a connection waiting on the server twice as long as a request takes to answer', () => {
    // nginx's limit_rate sends in bursts: 56 KiB short of its end, a range waits 100 ms for the next one.
    const waiting = fetching(0, 32 * MiB, 32 * MiB - 56 * 1024, 20 * MiB, 1500, 30);
    expect(pickSteal([waiting], 20 * MiB, 5)).toEqual({ victim: waiting, at: 32 * MiB - 56 * 1024 });
    // Not yet silent for twice the answer time, nor for the floor of a fast local host.
    expect(pickSteal([waiting], 20 * MiB, 20)).toBeNull();
    expect(pickSteal([fetching(0, 32 * MiB, 32 * MiB - 1024, 20 * MiB, 1500, SILENT_MIN_MS - 1)], 20 * MiB, 1)).toBeNull();
    // No answer time measured yet: no judgement either.
    expect(pickSteal([waiting], 20 * MiB, null)).toBeNull();
  });

  it('relieves the connection silent the longest, and never one busy with its last chunk', () => {
    const shorter = fetching(0, MiB, MiB - 4096, 20 * MiB, 1500, 40);
    const longer = fetching(MiB, 2 * MiB, 2 * MiB - 4096, 20 * MiB, 1500, 80);
    expect(pickSteal([shorter, longer], 20 * MiB, 5)?.victim).toBe(longer);
    expect(pickSteal([fetching(0, MiB, MiB - 4096, 20 * MiB, 1500, 0)], 20 * MiB, 5)).toBeNull();
  });
});
