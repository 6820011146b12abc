import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { createSleepBlocker, type PowerSaveBlockerLike } from '../../src-main/electron/sleep-blocker.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const KiB = 1024;

/** Electron's powerSaveBlocker as far as the app uses it: ids handed out, the ones still started. */
class StandInBlocker implements PowerSaveBlockerLike {
  readonly started = new Set<number>();
  readonly calls: string[] = [];
  private next = 1;
  start(type: 'prevent-app-suspension'): number {
    this.calls.push(`start ${type}`);
    this.started.add(this.next);
    return this.next++;
  }
  stop(id: number): void {
    this.calls.push(`stop ${id}`);
    this.started.delete(id);
  }
}

/** Wires a real engine's change events to the blocker the way src-main/main.ts does. */
function watch(engine: EngineHarness, blocker: StandInBlocker): { awakeSeen: () => boolean } {
  const keepAwake = createSleepBlocker(blocker);
  const latest = new Map<string, DownloadSnapshot>();
  let awake = false;
  engine.manager.onChanged((change) => {
    for (const id of change.removed) latest.delete(id);
    for (const s of change.snapshots) latest.set(s.id, s);
    void engine.manager.getSettings().then((settings) => {
      if (keepAwake(latest.values(), settings.prevent_sleep)) awake = true;
    });
  });
  return { awakeSeen: () => awake };
}

describe('keeping the computer awake while downloads are active', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('blocks sleep from the first active download until the last one ends, once', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content: randomBytesSeeded(256 * KiB, 1001) }, '/b.bin': { content: randomBytesSeeded(384 * KiB, 1002) } });
    origin.throttle(512 * KiB);
    engine = startEngine();
    const blocker = new StandInBlocker();
    const { awakeSeen } = watch(engine, blocker);
    const a = await engine.manager.add({ url: origin.url('/a.bin') });
    const b = await engine.manager.add({ url: origin.url('/b.bin') });
    await engine.waitForStatus(a.id, 'downloading');
    await vi.waitFor(() => expect(blocker.started.size).toBe(1), { timeout: 5000 });
    await engine.waitForStatus(a.id, 'completed');
    await engine.waitForStatus(b.id, 'completed');
    await vi.waitFor(() => expect(blocker.started.size).toBe(0), { timeout: 5000 });
    expect(awakeSeen()).toBe(true);
    expect(blocker.calls).toEqual(['start prevent-app-suspension', 'stop 1']);
  });

  it('a paused download lets the computer sleep; the setting off never blocks', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content: randomBytesSeeded(512 * KiB, 1003) } });
    origin.throttle(64 * KiB);
    engine = startEngine();
    const blocker = new StandInBlocker();
    watch(engine, blocker);
    const { id } = await engine.manager.add({ url: origin.url('/a.bin') });
    await vi.waitFor(() => expect(blocker.started.size).toBe(1), { timeout: 5000 });
    await engine.manager.pause(id);
    await vi.waitFor(() => expect(blocker.started.size).toBe(0), { timeout: 5000 });

    await engine.api.updateSettings({ prevent_sleep: false });
    await engine.manager.resume(id);
    await engine.waitFor(id, (s) => s.status === 'downloading' && Number(s.downloaded_bytes) > 0);
    expect(blocker.started.size).toBe(0);
    expect(blocker.calls).toEqual(['start prevent-app-suspension', 'stop 1']);
  });
});
