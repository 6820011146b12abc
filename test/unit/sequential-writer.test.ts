import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartialFile } from '../../src-main/engine/partial-file.js';
import { CHECKPOINT_BYTES, CHECKPOINT_INTERVAL_MS, SequentialWriter } from '../../src-main/engine/sequential-writer.js';

const chunk = (size: number, fill: number) => Buffer.alloc(size, fill);

describe('SequentialWriter', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'steadfast-writer-'));
    path = join(dir, 'f.partial');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every byte in order from the start offset and records it on settle', async () => {
    writeFileSync(path, Buffer.alloc(10, 1));
    const file = await PartialFile.claim(path, null, true);
    const checkpoints: number[] = [];
    const writer = new SequentialWriter(file, 10, (offset) => checkpoints.push(offset), () => 0);
    const parts = Array.from({ length: 40 }, (_, i) => chunk(64 * 1024 + i, i));
    for (const part of parts) await writer.append(part);
    expect(writer.position).toBe(10 + parts.reduce((s, p) => s + p.length, 0));
    await writer.settle();
    await file.close();
    expect(readFileSync(path).equals(Buffer.concat([Buffer.alloc(10, 1), ...parts]))).toBe(true);
    expect(checkpoints.at(-1)).toBe(writer.position);
  });

  it('checkpoints by size, and waits for a slow disk before the durable offset trails by 32 MiB', async () => {
    const file = await PartialFile.claim(path, null, true);
    const checkpoints: number[] = [];
    const writer = new SequentialWriter(file, 0, (offset) => checkpoints.push(offset), () => 0);
    const part = chunk(1024 * 1024, 7);
    let maxLag = 0;
    for (let i = 0; i < 40; i++) {
      await writer.append(part);
      maxLag = Math.max(maxLag, writer.position - (checkpoints.at(-1) ?? 0));
    }
    await writer.settle();
    await file.close();
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    expect(checkpoints).toEqual([...checkpoints].sort((a, b) => a - b));
    // While a sync runs more may arrive, but never more than twice the checkpoint size.
    expect(maxLag).toBeLessThanOrEqual(2 * CHECKPOINT_BYTES + 1024 * 1024);
    expect(checkpoints.at(-1)).toBe(40 * 1024 * 1024);
  });

  it("checkpoints by the file's unsynced bytes too, so several writers together never leave more than the checkpoint size unsynced", async () => {
    const file = await PartialFile.claim(path, null, true);
    const checkpoints: string[] = [];
    const a = new SequentialWriter(file, 0, (offset) => checkpoints.push(`a ${offset}`), () => 0);
    const b = new SequentialWriter(file, 64 * 1024 * 1024, (offset) => checkpoints.push(`b ${offset}`), () => 0);
    const part = chunk(1024 * 1024, 3);
    let most = 0;
    for (let i = 0; i < 12; i++) {
      await a.append(part);
      await b.append(part);
      most = Math.max(most, file.unsyncedBytes);
    }
    await a.settle();
    await b.settle();
    await file.close();
    // Neither writer reached 16 MiB of its own, yet the file was synced on the way.
    expect(checkpoints.length).toBeGreaterThan(2);
    expect(most).toBeLessThanOrEqual(CHECKPOINT_BYTES + 2 * 1024 * 1024);
    expect(checkpoints.slice(-2).sort()).toEqual([`a ${12 * 1024 * 1024}`, `b ${76 * 1024 * 1024}`]);
  });

  it('checkpoints by time, flushing even a small batch', async () => {
    const file = await PartialFile.claim(path, null, true);
    const checkpoints: number[] = [];
    let now = 0;
    const writer = new SequentialWriter(file, 0, (offset) => checkpoints.push(offset), () => now);
    await writer.append(chunk(1000, 1));
    expect(checkpoints).toEqual([]);
    now = CHECKPOINT_INTERVAL_MS;
    await writer.append(chunk(1000, 2));
    await writer.settle();
    await file.close();
    expect(checkpoints).toEqual([2000]);
    expect(readFileSync(path).length).toBe(2000);
  });

  it('a recorded offset is only ever one that a finished sync covered', async () => {
    const file = await PartialFile.claim(path, null, true);
    let now = 0;
    const sizesAtCheckpoint: [number, number][] = [];
    const writer = new SequentialWriter(
      file,
      0,
      (offset) => sizesAtCheckpoint.push([offset, readFileSync(path).length]),
      () => (now += 300),
    );
    for (let i = 0; i < 30; i++) await writer.append(chunk(200_000, i));
    await writer.settle();
    await file.close();
    expect(sizesAtCheckpoint.length).toBeGreaterThan(1);
    for (const [offset, size] of sizesAtCheckpoint) expect(size).toBeGreaterThanOrEqual(offset);
  });
});
