import { mkdtempSync, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartialFile } from '../../src-main/engine/partial-file.js';

/**
 * The real file's fdatasync, held until the test releases it (or failed on purpose: an EIO from
 * a dying disk cannot be made on demand), so the order of syncs can be checked exactly.
 */
function gateDatasync(file: PartialFile) {
  const handle = (file as unknown as { handle: FileHandle }).handle;
  const real = handle.datasync.bind(handle);
  const calls: { release(): void; fail(error: Error): void }[] = [];
  handle.datasync = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ release: () => void real().then(resolve, reject), fail: reject });
    });
  return calls;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PartialFile.sync', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'steadfast-partial-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('groups the syncs asked for while one runs into one that starts after all of them', async () => {
    const file = await PartialFile.claim(join(dir, 'f.partial'), null, true);
    const calls = gateDatasync(file);
    const first = file.sync();
    await tick();
    // Asked while the first runs: it may have begun before these callers' writes, so they wait.
    const second = file.sync();
    const third = file.sync();
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.release();
    await first;
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]!.release();
    await Promise.all([second, third]);
    expect(calls).toHaveLength(2);
    await file.close();
  });

  it('after a failed sync, every later sync fails too: a second fdatasync must not report success over lost pages', async () => {
    const file = await PartialFile.claim(join(dir, 'f.partial'), null, true);
    const calls = gateDatasync(file);
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const first = file.sync();
    await tick();
    const queued = file.sync();
    calls[0]!.fail(eio);
    await expect(first).rejects.toBe(eio);
    await expect(queued).rejects.toBe(eio);
    await expect(file.sync()).rejects.toBe(eio);
    expect(calls).toHaveLength(1);
    await file.close();
  });
});
