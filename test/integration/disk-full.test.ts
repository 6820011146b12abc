import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, tempDir, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;

/** A 16 MiB tmpfs of the test's own, where the system lets it make one (root on Linux). */
function mountSmallDisk(): { dir: string; unmount(): void } | string {
  if (process.platform !== 'linux') return 'tmpfs mounts are a Linux feature';
  const root = tempDir();
  const dir = join(root, 'small-disk');
  mkdirSync(dir);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    return `cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || 'not permitted').trim()})`;
  }
  return {
    dir,
    unmount() {
      spawnSync('umount', [dir]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const disk = mountSmallDisk();
if (typeof disk === 'string') console.log(`Disk-full test skipped: ${disk}.`);

describe('a full disk', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
    if (typeof disk !== 'string') disk.unmount();
  });

  it.skipIf(typeof disk === 'string')('fails with "Disk full", keeps the partial, and Restart completes once space is freed', async () => {
    if (typeof disk === 'string') return;
    const content = randomBytesSeeded(8 * MiB, 131);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(2 * MiB);
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin'), dest_dir: disk.dir });
    // Until a checkpoint has made some bytes durable (the first comes within a second).
    await engine.waitFor(id, () => (engine.store.listDownloads()[0]?.downloaded_bytes ?? 0) > 0);
    const durable = engine.store.listDownloads()[0]!.downloaded_bytes;
    // Another program fills the disk while the download runs.
    const { bavail, bsize } = await statfs(disk.dir);
    const filler = join(disk.dir, 'filler');
    writeFileSync(filler, Buffer.alloc(Math.max(0, bavail * bsize - 64 * 1024)));
    origin.throttle(null);
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.error_code).toBe('DISK_FULL');
    expect(failed.error_message).toBe(`Disk full: could not write ${join(disk.dir, 'f.bin.partial')}`);
    expect(failed.failed_count).toBe(1);
    const kept = statSync(join(disk.dir, 'f.bin.partial')).size;
    expect(kept).toBeGreaterThanOrEqual(durable);
    expect(Number(failed.downloaded_bytes)).toBeGreaterThanOrEqual(durable);

    rmSync(filler);
    await engine.manager.restart(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    // Restart continued from what was safely on disk before it filled up.
    expect(origin.requests.at(-1)!.headers.range).toBe(`bytes=${failed.downloaded_bytes}-`);
  });
});
