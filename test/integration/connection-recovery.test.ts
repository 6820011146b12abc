/**
 * A split download's connections recover on their own (ARCHITECTURE.md §5 "Connections and
 * attempts"): a dropped connection reconnects while the others go on, and only what was in
 * flight on it is fetched again.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HOST_LIMIT_MEMORY_MS } from '../../src-main/engine/attempt-launcher.js';
import { type EngineHarness, startEngine } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('connection-level recovery', () => {
  let origin: FaultOrigin | undefined;
  let engine: EngineHarness | undefined;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
    engine = undefined;
    origin = undefined;
  });

  it('cuts at 30, 55 and 85 % of 32 MiB over 8 connections: completed, no failed attempt, nothing fetched twice beyond what was in flight', async () => {
    const size = 32 * MiB;
    const content = randomBytesSeeded(size, 140);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(8 * MiB, { perConnection: true });
    origin.cutOnceAt('/f.bin', Math.floor(size * 0.3), Math.floor(size * 0.55), Math.floor(size * 0.85));
    engine = startEngine({ settings: { connections: 8, stall_timeout_seconds: 30 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed', 60_000);
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    const [attempt] = await engine.manager.attempts(id);
    expect(attempt!.connection_retries).toBe(3);
    const sent = origin.bytesSent('/f.bin');
    console.log(`cuts at 30/55/85 %: origin sent ${(sent / MiB).toFixed(1)} MiB for ${size / MiB} MiB`);
    expect(sent).toBeLessThanOrEqual(size + 8 * MiB);
  });

  it('one connection cut over and over while the others progress: no failed attempt', async () => {
    // Each range takes 6 s and the six cuts are over in about 3.5 s (0.5 s to the first, then a
    // 0.5 s reconnect and 64 ms each), so no range is split while they happen: a split could
    // end a connection normally just before a cut the origin then spends on a closed request.
    const size = 48 * MiB;
    const content = randomBytesSeeded(size, 141);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(2 * MiB, { perConnection: true });
    // Six cuts inside the first range: its connection is cut each time it gets a little further.
    origin.cutOnceAt('/f.bin', ...Array.from({ length: 6 }, (_, k) => MiB + k * 128 * 1024));
    engine = startEngine({ settings: { connections: 4, stall_timeout_seconds: 30 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed', 60_000);
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    expect((await engine.manager.attempts(id))[0]!.connection_retries).toBe(6);
    expect(origin.bytesSent('/f.bin')).toBeLessThanOrEqual(size + 4 * MiB);
  });

  it('a learned host limit caps later downloads for a day, then is forgotten', async () => {
    const content = randomBytesSeeded(8 * MiB, 142);
    origin = await startFaultOrigin({ '/a.bin': { content }, '/b.bin': { content } });
    origin.throttle(4 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 4, stall_timeout_seconds: 30 } });
    const host = `127.0.0.1:${origin.port}`;
    let most = 0;
    engine.manager.onChanged(({ snapshots }) => {
      for (const s of snapshots) most = Math.max(most, s.connections);
    });

    engine.store.saveHostLimit(host, { max_connections: 2, learned_at: Date.now() - 60_000 });
    const capped = await engine.manager.add({ url: origin.url('/a.bin') });
    await engine.waitFor(capped.id, (s) => s.status === 'downloading' && s.connections > 0);
    expect((await engine.manager.get(capped.id)).connection_limit).toBe(2);
    await engine.waitForStatus(capped.id, 'completed');
    expect(most).toBe(2);

    most = 0;
    engine.store.saveHostLimit(host, { max_connections: 2, learned_at: Date.now() - HOST_LIMIT_MEMORY_MS - 60_000 });
    const free = await engine.manager.add({ url: origin.url('/b.bin') });
    const done = await engine.waitForStatus(free.id, 'completed');
    expect(done.connection_limit).toBeNull();
    expect(most).toBe(4);
  });

  it('a connection that goes silent while the others move is cut and reconnects: no stalled attempt', async () => {
    // Big enough that the others are still busy when it is cut (no idle connection takes its rest first).
    const size = 16 * MiB;
    const content = randomBytesSeeded(size, 143);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(2 * MiB, { perConnection: true });
    // The first range request after the download's first one goes silent after 256 KiB.
    origin.script('/f.bin', { kind: 'pass' }, { kind: 'stall-after', bytes: 256 * 1024 });
    engine = startEngine({ settings: { connections: 4, stall_timeout_seconds: 1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed', 30_000);
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    expect((await engine.manager.attempts(id))[0]!.connection_retries).toBe(1);
  });

  it('the rest of a range whose connection waits on the server goes to an idle connection, long before the stall timeout', async () => {
    const size = 8 * MiB;
    const content = randomBytesSeeded(size, 144);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(4 * MiB, { perConnection: true });
    // The first range request after the download's first one goes silent after 256 KiB, and stays open.
    origin.script('/f.bin', { kind: 'pass' }, { kind: 'stall-after', bytes: 256 * 1024 });
    engine = startEngine({ settings: { connections: 4, stall_timeout_seconds: 60 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    // Waiting out the 60 s stall timeout would fail this wait.
    const done = await engine.waitForStatus(id, 'completed', 20_000);
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    expect((await engine.manager.attempts(id))[0]!.connection_retries).toBe(0);
    // Its rest was asked for again by another connection, from past its start (what it had read
    // is kept; how far depends on what still sat unread in the socket when the range was taken).
    const silent = origin.requests.filter((r) => r.method === 'GET')[1]!.headers.range!;
    const [from, to] = silent.replace('bytes=', '').split('-').map(Number) as [number, number];
    const rest = origin.requests
      .map((r) => /^bytes=(\d+)-(\d+)$/.exec(r.headers.range ?? ''))
      .filter((m): m is RegExpExecArray => m !== null && Number(m[2]) === to && Number(m[1]) > from);
    expect(rest.length).toBeGreaterThan(0);
    // Nothing fetched twice beyond what was in flight.
    expect(origin.bytesSent('/f.bin')).toBeLessThanOrEqual(size + 2 * MiB);
  });

  it('no "stuck at 99 %": the rest of a range on a connection many times slower goes to a fast one', async () => {
    const size = 8 * MiB;
    const content = randomBytesSeeded(size, 144);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(4 * MiB, { perConnection: true });
    // The first range request after the download's first one crawls at 64 KiB/s: its 2 MiB
    // alone would take 32 s, but it never stalls.
    origin.script('/f.bin', { kind: 'pass' }, { kind: 'slow', bytesPerSecond: 64 * 1024 });
    engine = startEngine({ settings: { connections: 4, stall_timeout_seconds: 30 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed', 15_000);
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    const slow = origin.requests.find((r) => r.fault === 'slow')!;
    const [first, last] = /^bytes=(\d+)-(\d+)$/.exec(slow.headers.range ?? '')!.slice(1).map(Number) as [number, number];
    // Another connection asked for the slow range's rest.
    const taken = origin.requests.filter((r) => {
      const start = Number(/^bytes=(\d+)-/.exec(r.headers.range ?? '')?.[1] ?? -1);
      return r !== slow && start > first && start <= last;
    });
    expect(taken.length).toBeGreaterThan(0);
  });
});
