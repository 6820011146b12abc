import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const KiB = 1024;
const SIZE = 2 * 1024 * KiB;
const v1 = randomBytesSeeded(SIZE, 801);
const v2 = randomBytesSeeded(SIZE, 802);

/**
 * ARCHITECTURE.md §7 "Languages": what the engine says without an error code, a notice or why an
 * attempt stopped, is recorded with a code beside its English, so the window can say it.
 */
describe('notice and stop codes', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  /** A download under way on a slow link, with bytes on disk. */
  async function underway(file: Parameters<typeof startFaultOrigin>[0] = { '/f.bin': { content: v1 } }) {
    origin = await startFaultOrigin(file);
    origin.throttle(256 * KiB);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => s.status === 'downloading' && Number(s.downloaded_bytes) > 0);
    return id;
  }

  it('a pause and a cancel end their attempts with a stop code beside the words, in the database and the history', async () => {
    const id = await underway();
    await engine.manager.pause(id);
    await engine.waitForStatus(id, 'paused');
    await engine.manager.resume(id);
    await engine.waitFor(id, () => engine.store.listAttempts(id).length === 2);
    await engine.manager.cancel(id);
    await engine.waitForStatus(id, 'cancelled');

    expect(engine.store.listAttempts(id).map((a) => [a.error_code, a.error_message, a.stop_code])).toEqual([
      [null, 'Paused', 'PAUSED'],
      [null, 'Cancelled', 'CANCELLED'],
    ]);
    const { attempts } = await engine.manager.history(id);
    expect(attempts.map((a) => a.stop_code)).toEqual(['PAUSED', 'CANCELLED']);
  });

  it('a shutdown mid-download records SHUTDOWN, read back by the next start', async () => {
    const id = await underway();
    const { root } = engine;
    await engine.close({ keepFiles: true });
    engine = startEngine({ root, start: false });
    expect(engine.store.listAttempts(id).map((a) => [a.error_message, a.stop_code])).toEqual([['Stopped at shutdown', 'SHUTDOWN']]);
    expect((await engine.manager.history(id)).attempts[0]!.stop_code).toBe('SHUTDOWN');
  });

  it('a server that changed the file and gives no validator: the restart notice by code, the English beside it', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: v1, etag: null } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 });
    engine = startEngine({ settings: { initial_delay_seconds: 0.5 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'retrying');
    origin.setFile('/f.bin', { content: v2, etag: null });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(v2)).toBe(true);
    expect(done).toMatchObject({
      notice_code: 'RESTART_NO_VALIDATOR',
      notice: 'The server gives no way to check that the file is unchanged; downloading again from the start.',
    });
    expect(engine.store.listDownloads().find((d) => d.id === id)).toMatchObject({ notice_code: 'RESTART_NO_VALIDATOR' });
    // The failed attempt keeps its error code and no stop code: a failure is not a stop.
    expect(engine.store.listAttempts(id).map((a) => [a.error_code, a.stop_code])).toEqual([
      ['CONNECTION_RESET', null],
      [null, null],
    ]);
  });

  it('Change link over a partial nothing can check sets the notice with its code; Restart clears both', async () => {
    const id = await underway({ '/f.bin': { content: v1, etag: null, lastModified: null }, '/g.bin': { content: v1, etag: null } });
    const paused = await engine.manager.pause(id);
    expect(Number(paused.downloaded_bytes)).toBeGreaterThan(0);
    const changed = await engine.manager.changeSource(id, origin.url('/g.bin'));
    expect(changed).toMatchObject({
      notice_code: 'NEW_LINK_UNCHECKED',
      notice: 'The new link cannot be checked against the partial download; it will start again from the start.',
      downloaded_bytes: '0',
    });
    await engine.manager.cancel(id);
    const restarted = await engine.manager.restart(id);
    expect(restarted).toMatchObject({ notice: null, notice_code: null });
    expect(engine.store.listDownloads().find((d) => d.id === id)).toMatchObject({ notice: null, notice_code: null });
    origin.throttle(null);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(v1)).toBe(true);
    expect(done.notice_code).toBeNull();
  });
});
