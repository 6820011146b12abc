import { describe, it, expect } from 'vitest';
import { ChangeBatcher } from '../../src-main/engine/change-batcher.js';
import type { Clock } from '../../src-main/engine/clock.js';

/** A clock that only moves when told to; timers fire in due order as time passes. */
class ManualClock implements Clock {
  private time = 0;
  private nextId = 0;
  private timers: { id: number; at: number; callback: () => void }[] = [];
  /** Every delay ever asked for, to check what the batcher schedules. */
  readonly requested: number[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.requested.push(ms);
    this.timers.push({ id, at: this.time + ms, callback });
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer.id !== due.id);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }
}

function setup(intervalMs?: number) {
  const clock = new ManualClock();
  const flushes: { at: number; ids: string[] }[] = [];
  const batcher = new ChangeBatcher((ids) => flushes.push({ at: clock.now(), ids }), clock, intervalMs);
  return { clock, flushes, batcher };
}

describe('ChangeBatcher', () => {
  it('hands over many marks in one interval as one flush of unique ids', () => {
    const { clock, flushes, batcher } = setup();
    for (const id of ['a', 'b', 'a', 'c', 'b', 'a']) batcher.mark(id);
    expect(flushes).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(0);
    expect(flushes).toEqual([{ at: 0, ids: ['a', 'b', 'c'] }]);
    clock.advance(1000);
    expect(flushes).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not flush before a mark', () => {
    const { clock, flushes } = setup();
    clock.advance(5000);
    expect(flushes).toEqual([]);
    expect(clock.requested).toEqual([]);
  });

  it('waits out the rest of the interval after a flush', () => {
    const { clock, flushes, batcher } = setup();
    batcher.mark('a');
    clock.advance(0);
    clock.advance(30);
    batcher.mark('b');
    expect(clock.requested).toEqual([0, 70]);
    clock.advance(60);
    batcher.mark('c');
    batcher.mark('b');
    expect(clock.pendingTimers).toBe(1);
    clock.advance(9); // t = 99
    expect(flushes).toEqual([{ at: 0, ids: ['a'] }]);
    clock.advance(1); // t = 100
    expect(flushes).toEqual([
      { at: 0, ids: ['a'] },
      { at: 100, ids: ['b', 'c'] },
    ]);
  });

  it('flushes at once when the last flush is more than an interval ago', () => {
    const { clock, flushes, batcher } = setup();
    batcher.mark('a');
    clock.advance(0);
    clock.advance(500);
    batcher.mark('b');
    expect(clock.requested).toEqual([0, 0]);
    clock.advance(0);
    expect(flushes).toEqual([
      { at: 0, ids: ['a'] },
      { at: 500, ids: ['b'] },
    ]);
  });

  it('never flushes twice less than 100 ms apart under a steady stream of marks', () => {
    const { clock, flushes, batcher } = setup();
    const marked = new Set<string>();
    for (let step = 0; step < 300; step += 1) {
      const id = `d${step % 37}`;
      batcher.mark(id);
      marked.add(id);
      clock.advance(7); // 300 marks over 2.1 s
    }
    clock.advance(1000);
    expect(flushes.length).toBe(22); // last mark at t = 2093: flushes at 0, 100, …, 2100
    for (let i = 1; i < flushes.length; i += 1) {
      expect(flushes[i]!.at - flushes[i - 1]!.at).toBeGreaterThanOrEqual(100);
    }
    expect(flushes.map((f) => f.at)).toEqual(Array.from({ length: 22 }, (_, i) => i * 100));
    for (const flush of flushes) expect(new Set(flush.ids).size).toBe(flush.ids.length);
    expect(new Set(flushes.flatMap((f) => f.ids))).toEqual(marked);
  });

  it('at most 10 flushes a second, however many downloads change', () => {
    const { clock, flushes, batcher } = setup();
    for (let ms = 0; ms < 1000; ms += 1) {
      for (let d = 0; d < 50; d += 1) batcher.mark(`download-${d}`);
      clock.advance(1);
    }
    const inFirstSecond = flushes.filter((f) => f.at < 1000);
    expect(inFirstSecond).toHaveLength(10);
    expect(inFirstSecond.every((f) => f.ids.length === 50)).toBe(true);
  });

  it('flushNow hands over at once and cancels the pending timer', () => {
    const { clock, flushes, batcher } = setup();
    batcher.mark('a');
    clock.advance(0);
    clock.advance(20);
    batcher.mark('b');
    batcher.mark('c');
    expect(clock.pendingTimers).toBe(1);
    batcher.flushNow();
    expect(flushes).toEqual([
      { at: 0, ids: ['a'] },
      { at: 20, ids: ['b', 'c'] },
    ]);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(1000);
    expect(flushes).toHaveLength(2);
  });

  it('flushNow with nothing pending does not call flush', () => {
    const { clock, flushes, batcher } = setup();
    batcher.flushNow();
    batcher.mark('a');
    batcher.flushNow();
    batcher.flushNow();
    expect(flushes).toEqual([{ at: 0, ids: ['a'] }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('counts the interval from a flushNow too', () => {
    const { clock, flushes, batcher } = setup();
    clock.advance(1000);
    batcher.mark('a');
    batcher.flushNow(); // t = 1000
    clock.advance(40);
    batcher.mark('b');
    expect(clock.requested.at(-1)).toBe(60);
    clock.advance(60);
    expect(flushes).toEqual([
      { at: 1000, ids: ['a'] },
      { at: 1100, ids: ['b'] },
    ]);
  });

  it('a mark made while flushing waits for the next interval', () => {
    const clock = new ManualClock();
    const flushes: { at: number; ids: string[] }[] = [];
    const batcher: ChangeBatcher = new ChangeBatcher(
      (ids) => {
        flushes.push({ at: clock.now(), ids });
        if (ids.includes('a')) batcher.mark('echo');
      },
      clock,
    );
    batcher.mark('a');
    clock.advance(0);
    expect(flushes).toEqual([{ at: 0, ids: ['a'] }]);
    clock.advance(99);
    expect(flushes).toHaveLength(1);
    clock.advance(1);
    expect(flushes).toEqual([
      { at: 0, ids: ['a'] },
      { at: 100, ids: ['echo'] },
    ]);
  });

  it('honours a custom interval', () => {
    const { clock, flushes, batcher } = setup(250);
    batcher.mark('a');
    clock.advance(0);
    batcher.mark('b');
    clock.advance(249);
    expect(flushes).toHaveLength(1);
    clock.advance(1);
    expect(flushes.map((f) => f.at)).toEqual([0, 250]);
  });
});
