import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe("the retry/resume timeline (ARCHITECTURE.md §3)", () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('a 64 MiB file dropped at 30 %, 55 % and 85 % completes on the 4th attempt, fetching no byte twice', async () => {
    const size = 64 * MiB;
    const content = randomBytesSeeded(size, 7);
    origin = await startFaultOrigin({ '/movie.mp4': { content, etag: '"v1"' } });
    // Each drop counts from where that response starts, i.e. from the resumed offset.
    origin.script(
      '/movie.mp4',
      { kind: 'drop-after', bytes: Math.round(size * 0.3) },
      { kind: 'drop-after', bytes: Math.round(size * 0.25) },
      { kind: 'drop-after', bytes: Math.round(size * 0.3) },
    );
    engine = startEngine();
    const added = await engine.manager.add({ url: origin.url('/movie.mp4') });
    const done = await engine.waitForStatus(added.id, 'completed', 60_000);

    expect(done.failed_count).toBe(3);
    expect(done.retry_info.current_attempt).toBe(4);
    expect(done.progress).toBe(100);
    expect(done.downloaded_bytes).toBe(String(size));
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));

    const gets = origin.requests.filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(4);
    expect(gets[0]!.headers.range).toBeUndefined();
    // Every retry resumes exactly where the durable offset was, with a validator.
    const attempts = engine.store.listAttempts(added.id);
    expect(attempts.map((a) => a.number)).toEqual([1, 2, 3, 4]);
    for (let i = 1; i < 4; i++) {
      expect(gets[i]!.headers.range).toBe(`bytes=${attempts[i]!.offset_from}-`);
      expect(gets[i]!.headers['if-range']).toBe('"v1"');
      expect(attempts[i]!.offset_from).toBe(attempts[i - 1]!.offset_to);
      expect(gets[i]!.status).toBe(206);
    }
    expect(attempts[0]!.offset_to! / size).toBeCloseTo(0.3, 1);
    expect(attempts[1]!.offset_to! / size).toBeCloseTo(0.55, 1);
    expect(attempts[2]!.offset_to! / size).toBeCloseTo(0.85, 1);
    expect(attempts.slice(0, 3).every((a) => a.error_code === 'CONNECTION_RESET')).toBe(true);
    // The details view's history: the same attempts with byte counts as strings.
    const history = await engine.manager.attempts(added.id);
    expect(history.map((h) => [h.number, h.offset_from, h.offset_to, h.error_code])).toEqual(
      attempts.map((r) => [r.number, String(r.offset_from), String(r.offset_to), r.error_code]),
    );
    expect(history[3]!.offset_to).toBe(String(size));
    expect(Date.parse(history[0]!.started_at)).toBe(attempts[0]!.started_at);
    // The spec's promise: bandwidth ≈ the file, not the sum of restarts. Bytes in flight when
    // a connection dies may be lost, never more than 1 MiB per failure.
    expect(origin.bytesSent('/movie.mp4')).toBeLessThanOrEqual(size + 3 * MiB);
  });
});
