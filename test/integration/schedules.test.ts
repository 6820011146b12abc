import { mkdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { EVERY_DAY } from '../../src-main/contract/time-windows.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { runCli } from '../support/cli-process.js';
import { startEngine, tempDir, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { JumpClock, mondayAt } from '../support/jump-clock.js';

const KiB = 1024;
const HOUR = 60 * 60 * 1000;
const NIGHT = { start: '01:00', stop: '07:00', days: EVERY_DAY };

describe('the queue schedule (only 01:00–07:00)', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('holds the queue until the window opens, stops running downloads when it closes, and goes on the next night', async () => {
    const content = randomBytesSeeded(1024 * KiB, 701);
    origin = await startFaultOrigin({ '/night.bin': { content } });
    origin.throttle(256 * KiB);
    const clock = new JumpClock(mondayAt(0, 59, 58));
    engine = startEngine({ clock, settings: { queue_schedule: NIGHT } });
    const { id } = await engine.manager.add({ url: origin.url('/night.bin') });
    await sleep(300);
    expect((await engine.manager.get(id)).status).toBe('queued');
    expect(origin.requests).toHaveLength(0);

    clock.advance(2500); // 01:00:00.5
    await engine.waitForStatus(id, 'downloading');
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 0);

    clock.advance(6 * HOUR); // 07:00:00.5
    const held = await engine.waitForStatus(id, 'queued');
    expect(held.failed_count).toBe(0);
    const partial = Number(held.downloaded_bytes);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(content.length);
    const [first] = engine.store.listAttempts(id);
    expect(first).toMatchObject({ error_code: null, error_message: 'Stopped by the schedule', stop_code: 'SCHEDULE' });
    const requestsWhileHeld = origin.requests.length;
    await sleep(300);
    expect(origin.requests).toHaveLength(requestsWhileHeld);

    origin.throttle(null);
    clock.advance(18 * HOUR); // Tuesday 01:00:00.5
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.failed_count).toBe(0);
    expect(readFileSync(done.path).equals(content)).toBe(true);
    // Resumed from the checkpoint, not fetched again from byte 0.
    expect(origin.requests.at(-1)!.headers.range).toBe(`bytes=${partial}-`);
  });

  it("the user's explicit Resume (Start now) outside the window starts that download; the rest of the queue waits", async () => {
    const held = randomBytesSeeded(64 * KiB, 702);
    const wanted = randomBytesSeeded(64 * KiB, 703);
    const paused = randomBytesSeeded(64 * KiB, 708);
    origin = await startFaultOrigin({ '/held.bin': { content: held }, '/wanted.bin': { content: wanted }, '/paused.bin': { content: paused } });
    const clock = new JumpClock(mondayAt(12, 0));
    engine = startEngine({ clock, settings: { queue_schedule: NIGHT } });
    const a = await engine.manager.add({ url: origin.url('/held.bin') });
    const b = await engine.manager.add({ url: origin.url('/wanted.bin') });
    const c = await engine.manager.add({ url: origin.url('/paused.bin') });
    expect([a, b, c].map((s) => s.waiting_for_schedule)).toEqual([true, true, true]);

    // Straight from the queue: the row's Start now.
    const started = await engine.manager.resume(b.id);
    expect(started.waiting_for_schedule).toBe(false);
    const done = await engine.waitForStatus(b.id, 'completed');
    expect(readFileSync(done.path).equals(wanted)).toBe(true);
    // Paused, then resumed: an explicit start too.
    await engine.manager.pause(c.id);
    expect((await engine.manager.get(c.id)).waiting_for_schedule).toBe(false);
    await engine.manager.resume(c.id);
    expect(readFileSync((await engine.waitForStatus(c.id, 'completed')).path).equals(paused)).toBe(true);
    expect(await engine.manager.get(a.id)).toMatchObject({ status: 'queued', waiting_for_schedule: true });
    expect(origin.requests.map((r) => r.path)).toEqual(['/wanted.bin', '/paused.bin']);

    clock.advance(13 * HOUR); // 01:00 the next day
    const later = await engine.waitForStatus(a.id, 'completed');
    expect(later.waiting_for_schedule).toBe(false);
    expect(readFileSync(later.path).equals(held)).toBe(true);
  });

  it('a download started by hand outside the window goes on after a restart of the app; Pause takes the mark away', async () => {
    const content = randomBytesSeeded(512 * KiB, 710);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(128 * KiB);
    const clock = new JumpClock(mondayAt(12, 0));
    engine = startEngine({ clock, settings: { queue_schedule: NIGHT } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.manager.resume(id);
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 64 * KiB);
    // Quit mid-download (checkpointed, queued), then start again, still outside the window.
    await engine.close({ keepFiles: true });
    const root = engine.root;
    engine = startEngine({ root, clock, settings: { queue_schedule: NIGHT } });
    expect((await engine.manager.get(id)).waiting_for_schedule).toBe(false);
    origin.throttle(null);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(engine.store.listDownloads().find((d) => d.id === id)!.started_by_hand).toBe(true);

    // Paused: the mark is gone, so a queued start waits for the window again. (Slow, so it is still running when paused.)
    origin.throttle(64 * KiB);
    const other = await engine.manager.add({ url: origin.url('/f.bin'), filename: 'g.bin' });
    await engine.manager.resume(other.id);
    await engine.manager.pause(other.id);
    expect(engine.store.listDownloads().find((d) => d.id === other.id)!.started_by_hand).toBe(false);
  });

  it('a queued row stops saying it waits for the schedule as soon as the window opens', async () => {
    const content = randomBytesSeeded(32 * KiB, 709);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    const clock = new JumpClock(mondayAt(0, 59, 58));
    // One download at a time: the second stays queued in the open window, waiting for a slot only.
    engine = startEngine({ clock, settings: { queue_schedule: NIGHT, max_concurrent: 1 } });
    origin.throttle(16 * KiB);
    const first = await engine.manager.add({ url: origin.url('/f.bin') });
    const second = await engine.manager.add({ url: origin.url('/f.bin'), filename: 'g.bin' });
    expect((await engine.manager.get(second.id)).waiting_for_schedule).toBe(true);
    clock.advance(2500); // 01:00:00.5
    await engine.waitForStatus(first.id, 'downloading');
    await engine.waitFor(second.id, (s) => s.status === 'queued' && !s.waiting_for_schedule);
  });

  it('turning the schedule off releases the queue at once', async () => {
    const content = randomBytesSeeded(32 * KiB, 704);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    engine = startEngine({ clock: new JumpClock(mondayAt(12, 0)), settings: { queue_schedule: NIGHT } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await sleep(200);
    expect((await engine.manager.get(id)).status).toBe('queued');
    await engine.api.updateSettings({ queue_schedule: null });
    expect(readFileSync((await engine.waitForStatus(id, 'completed')).path).equals(content)).toBe(true);
  });
});

describe('`steadfast get` and the queue schedule', () => {
  let origin: FaultOrigin | undefined;
  afterEach(async () => {
    await origin?.close();
  });

  it('downloads at once, whatever the stored schedule: the command is the user\'s explicit start', async () => {
    const content = randomBytesSeeded(16 * KiB, 707);
    origin = await startFaultOrigin({ '/now.bin': { content } });
    const root = tempDir();
    mkdirSync(join(root, 'data'), { mode: 0o700 });
    const store = SqliteStore.open(join(root, 'data', 'steadfast.db'));
    // A window that is never open now: one minute a week, and not today.
    const today = new Date().getDay();
    store.writeSettings({ queue_schedule: { start: '03:00', stop: '03:01', days: [(today + 3) % 7] } });
    store.close();
    const { code } = await runCli(['get', origin.url('/now.bin'), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data')]).exited;
    expect(code).toBe(0);
    expect(readFileSync(join(root, 'dl', 'now.bin')).equals(content)).toBe(true);
  });
});

describe('the time-of-day speed limit', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('limits every download during its window and lifts at its end', async () => {
    const content = randomBytesSeeded(1024 * KiB, 705);
    origin = await startFaultOrigin({ '/day.bin': { content } });
    const clock = new JumpClock(mondayAt(17, 59, 50));
    engine = startEngine({ clock, settings: { speed_schedule: { start: '09:00', stop: '18:00', days: EVERY_DAY, limit: 64 * KiB } } });
    const { id } = await engine.manager.add({ url: origin.url('/day.bin') });
    await engine.waitForStatus(id, 'downloading');
    await sleep(1000);
    const limited = Number((await engine.manager.get(id)).downloaded_bytes);
    // 64 KiB/s for a second, a tenth of a second's burst, and slack for the first read.
    expect(limited).toBeLessThan(160 * KiB);
    const liftedAt = Date.now();
    clock.advance(11_000); // 18:00:01
    const done = await engine.waitForStatus(id, 'completed');
    // The rest at 64 KiB/s would take 13 s more.
    expect(Date.now() - liftedAt).toBeLessThan(3000);
    expect(readFileSync(done.path).equals(content)).toBe(true);
  });

  it('is the lower of the two when a global limit is also set', async () => {
    const clock = new JumpClock(mondayAt(10, 0));
    engine = startEngine({
      clock,
      settings: { speed_limit: 32 * KiB, speed_schedule: { start: '09:00', stop: '18:00', days: EVERY_DAY, limit: 64 * KiB } },
    });
    const content = randomBytesSeeded(96 * KiB, 706);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    const started = Date.now();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'completed');
    // 96 KiB at 32 KiB/s: about 3 s (64 KiB/s would be 1.5 s).
    expect(Date.now() - started).toBeGreaterThan(2500);
  });
});
