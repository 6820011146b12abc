import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistorySpan } from '../../src-main/contract/history.js';
import { type EngineHarness, startEngine } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;

const spanTuples = (spans: HistorySpan[]) => spans.map((s) => [s.connection, Number(s.start), Number(s.end)]);

describe("each attempt's story: the bytes it fetched where, why it ended, how fast", () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('a download cut at 60 % and at 75 % shows three attempts: 0 → 60 %, 60 → 75 %, 75 → 100 %', async () => {
    const size = 1_000_000;
    const content = randomBytesSeeded(size, 17);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: 600_000 }, { kind: 'drop-after', bytes: 150_000 });
    engine = startEngine();
    const { id } = await engine.api.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);

    const history = await engine.api.history(id);
    expect(history.total_bytes).toBe(String(size));
    // The origin resets the connection after 600,000 and then 150,000 bytes; a reset discards what
    // was still unread in this side's socket, so each attempt ends at or a little before the cut.
    const [first, second] = history.attempts.map((a) => Number(a.offset_to));
    expect(first).toBeGreaterThan(600_000 - 64 * 1024);
    expect(first).toBeLessThanOrEqual(600_000);
    expect(second! - first!).toBeGreaterThan(150_000 - 64 * 1024);
    expect(second! - first!).toBeLessThanOrEqual(150_000);
    expect(history.attempts.map((a) => [a.number, a.offset_from, a.offset_to, a.error_code])).toEqual([
      [1, '0', String(first), 'CONNECTION_RESET'],
      [2, String(first), String(second), 'CONNECTION_RESET'],
      [3, String(second), String(size), null],
    ]);
    expect(history.attempts.map((a) => spanTuples(a.spans))).toEqual([[[1, 0, first]], [[1, first, second]], [[1, second, size]]]);
    expect(history.attempts.every((a) => a.spans_omitted === 0 && a.ended_at !== null && a.error_message !== '')).toBe(true);
    // Every byte each attempt received is in its speed samples.
    expect(history.attempts.map((a) => a.speed!.bytes.reduce((sum, b) => sum + b, 0))).toEqual([first, second! - first!, size - second!]);
    expect(history.attempts.every((a) => a.speed!.every_ms === 1000)).toBe(true);
  });

  it('a split download records each connection\'s spans: they tile the file, and a cut connection shows where it was cut', async () => {
    const size = 8 * MiB;
    const content = randomBytesSeeded(size, 18);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.cutOnceAt('/f.bin', MiB + 4321);
    engine = startEngine({ settings: { connections: 4 } });
    const { id } = await engine.api.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);

    const [attempt, ...others] = (await engine.api.history(id)).attempts;
    expect(others).toEqual([]);
    expect(attempt!.connection_retries).toBe(1);
    const spans = spanTuples(attempt!.spans).sort((a, b) => a[1]! - b[1]!);
    expect(new Set(spans.map(([connection]) => connection)).size).toBe(4);
    // One more span than connections at least: the cut connection's range went on in a new response.
    expect(spans.length).toBeGreaterThanOrEqual(5);
    let end = 0;
    for (const [, start, stop] of spans) {
      expect(start).toBe(end);
      end = stop!;
    }
    expect(end).toBe(size);
    // The cut, in the first connection's range (0–2 MiB): its span ends at the cut byte or a little
    // before (an RST loses what was in flight), and a new response fetched the rest of the range.
    const cut = spans.filter(([, , stop]) => stop! <= MiB + 4321);
    expect(cut).toHaveLength(1);
    expect(cut[0]![0]).toBe(1);
    expect(spans.filter(([, start]) => start === cut[0]![2])).toHaveLength(1);
  });

  it('a paused attempt says so, and the running attempt shows its story before it ends', async () => {
    const size = 4 * MiB;
    const content = randomBytesSeeded(size, 19);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(1 * MiB);
    engine = startEngine();
    const { id } = await engine.api.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => s.status === 'downloading' && s.speed > 0);
    // Running: the response still writing is on the bar as far as it got.
    const running = await engine.api.history(id);
    expect(running.attempts.map((a) => [a.ended_at, a.spans.length])).toEqual([[null, 1]]);
    const [now] = running.attempts[0]!.spans;
    expect([now!.connection, now!.start]).toEqual([1, '0']);
    expect(Number(now!.end)).toBeGreaterThan(0);
    expect(Number(now!.end)).toBeLessThan(size);
    await engine.api.pause(id);
    const paused = await engine.api.history(id);
    expect(paused.attempts).toHaveLength(1);
    const [first] = paused.attempts;
    expect(first!.error_code).toBeNull();
    expect(first!.error_message).toBe('Paused');
    expect(spanTuples(first!.spans)).toEqual([[1, 0, Number(first!.offset_to)]]);

    origin.throttle(null);
    await engine.api.resume(id);
    await engine.waitForStatus(id, 'completed');
    const [, second] = (await engine.api.history(id)).attempts;
    expect(spanTuples(second!.spans)).toEqual([[1, Number(first!.offset_to), size]]);
  });

  it('refuses an id that is not one, and an unknown download', async () => {
    engine = startEngine();
    await expect(engine.api.history('../x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.api.history('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
