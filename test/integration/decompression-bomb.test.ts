/**
 * A server that gzip-encodes a body against `Accept-Encoding: identity` gets it decoded, as
 * browsers do (ARCHITECTURE.md §4 "Bodies encoded anyway"); a body that expands like a bomb is
 * stopped before it fills the disk, while an ordinary compressed body is saved whole.
 */
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPANSION_FREE_BYTES, MAX_EXPANSION } from '../../src-main/sources/expansion-guard.js';
import { type EngineHarness, startEngine } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;

describe('decompression bombs', () => {
  let origin: FaultOrigin | undefined;
  let engine: EngineHarness | undefined;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
    engine = origin = undefined;
  });

  it(`a body that expands more than ${MAX_EXPANSION}-fold is stopped soon after ${EXPANSION_FREE_BYTES / MiB} MiB, failed at once, and the disk keeps the rest`, async () => {
    // 256 MiB of zeros in about 256 KB: about 1000-fold.
    const bomb = gzipSync(Buffer.alloc(256 * MiB), { level: 9 });
    expect(bomb.length).toBeLessThan(512 * 1024);
    origin = await startFaultOrigin({ '/report.pdf': { content: bomb, headers: { 'Content-Encoding': 'gzip' } } });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/report.pdf') });
    const done = await engine.waitFor(id, (s) => s.status === 'failed' || s.status === 'completed');
    expect([done.status, done.error_code, done.failed_count]).toEqual(['failed', 'BAD_RESPONSE', 1]);
    expect(done.error_message).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:\\d+ sent a compressed body that expands more than ${MAX_EXPANSION}-fold \\(a decompression bomb\\): stopped after \\d+ MiB$`),
    );
    // What was written stays bounded: the free allowance and one decoder chunk or so past it.
    expect(statSync(done.path).size).toBeLessThanOrEqual(EXPANSION_FREE_BYTES + 4 * MiB);
  });

  it('an ordinary gzip-encoded body (text, a few-fold) is decoded and saved whole', async () => {
    const words = randomBytesSeeded(2 * MiB, 1801).toString('base64').replace(/[^a-e ]/g, ' ');
    const text = Buffer.from(words);
    origin = await startFaultOrigin({ '/notes.txt': { content: text } });
    origin.script('/notes.txt', { kind: 'gzip' });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/notes.txt') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(text)).toBe(true);
  });
});
