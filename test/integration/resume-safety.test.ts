import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const SIZE = 2 * 1024 * 1024;
const v1 = randomBytesSeeded(SIZE, 11);
const v2 = randomBytesSeeded(SIZE, 12);

/** ARCHITECTURE.md §4: whatever a server does, the final file is what it last served, byte for byte. */
describe('resume safety', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  /**
   * Cut at half, then `change` the file while the download waits to retry: the resume is refused
   * and nothing of the partial moves. Returns the failed snapshot.
   */
  async function refusedAfterChange(first: Parameters<typeof startFaultOrigin>[0], change: () => void) {
    origin = await startFaultOrigin(first);
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 });
    engine = startEngine({ settings: { initial_delay_seconds: 0.5 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const retrying = await engine.waitForStatus(id, 'retrying');
    const partial = join(engine.downloads, 'f.bin.partial');
    const before = readFileSync(partial);
    change();
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.downloaded_bytes).toBe(retrying.downloaded_bytes);
    expect(readFileSync(partial).equals(before)).toBe(true);
    expect(before.equals(v1.subarray(0, before.length))).toBe(true);
    expect(failed.failed_count).toBe(2);
    return { id, failed };
  }

  async function download(path = '/f.bin') {
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url(path) });
    return { id, done: await engine.waitForStatus(id, 'completed') };
  }

  it('a server that ignores Range (200): the partial is truncated and rewritten from 0', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: v1 } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 }, { kind: 'ignore-range' });
    const { done } = await download();
    expect(readFileSync(done.path).equals(v1)).toBe(true);
    expect(origin.requests[1]!.headers.range).toMatch(/^bytes=\d+-$/);
    expect(origin.requests[1]!.status).toBe(200);
    expect(done.notice).toBe('The server does not support resuming; downloading again from the start.');
    expect(done.notice_code).toBe('RESTART_RANGES_IGNORED');
  });

  it('the file changed between attempts (ETag): If-Range gets the new file, which is refused; Restart saves it whole', async () => {
    const { id, failed } = await refusedAfterChange({ '/f.bin': { content: v1, etag: '"one"' } }, () =>
      origin.setFile('/f.bin', { content: v2, etag: '"two"' }),
    );
    expect(origin.requests[1]!.headers['if-range']).toBe('"one"');
    expect(failed.error_code).toBe('FILE_CHANGED');
    expect(failed.error_message).toMatch(/^The link now gives a different file \(127\.0\.0\.1:\d+: another version of it\)\./);
    await engine.manager.restart(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(v2)).toBe(true);
    expect(origin.requests.at(-1)!.headers.range).toBeUndefined();
  });

  it('the file changed and comes back gzip-encoded: judged by its own headers and refused, the server not blamed', async () => {
    const before = 'Mon, 01 Jun 2026 10:00:00 GMT';
    const { id, failed } = await refusedAfterChange({ '/f.bin': { content: v1, etag: null, lastModified: before } }, () => {
      origin.setFile('/f.bin', { content: v2, etag: null, lastModified: 'Tue, 02 Jun 2026 10:00:00 GMT' });
      origin.script('/f.bin', { kind: 'gzip' });
    });
    expect(origin.requests[1]!.headers['if-range']).toBe(before);
    expect(failed.error_code).toBe('FILE_CHANGED');
    // A changed file says nothing about the server's ranges: it may still be split next time.
    expect(engine.store.listDownloads().find((d) => d.id === id)!.one_connection).toBe(false);
  });

  it('the file changed, judged by Last-Modified when there is no ETag', async () => {
    const { failed } = await refusedAfterChange({ '/f.bin': { content: v1, etag: null, lastModified: 'Mon, 02 Nov 2026 10:00:00 GMT' } }, () =>
      origin.setFile('/f.bin', { content: v2, etag: null, lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT' }),
    );
    expect(origin.requests[1]!.headers['if-range']).toBe('Mon, 02 Nov 2026 10:00:00 GMT');
    expect(failed.error_code).toBe('FILE_CHANGED');
  });

  it('a weak ETag is never used as a validator: without one, the retry starts from 0', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: v1, etag: 'W/"weak"' } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 });
    const { done } = await download();
    expect(origin.requests[1]!.headers.range).toBeUndefined();
    expect(origin.requests[1]!.headers['if-range']).toBeUndefined();
    expect(readFileSync(done.path).equals(v1)).toBe(true);
    expect(done.notice).toBe('The server gives no way to check that the file is unchanged; downloading again from the start.');
  });

  it('no validator at all: a same-sized changed file is never spliced onto the old bytes', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: v1, etag: null } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 });
    engine = startEngine({ settings: { initial_delay_seconds: 0.5 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitForStatus(id, 'retrying');
    origin.setFile('/f.bin', { content: v2, etag: null });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(v2)).toBe(true);
  });

  it('a 206 whose total size differs is refused, naming both sizes', async () => {
    const longer = Buffer.concat([v1, randomBytesSeeded(4096, 13)]);
    // Same ETag, different size: a broken server, or a CDN serving two versions under one tag.
    const { failed } = await refusedAfterChange({ '/f.bin': { content: v1, etag: '"same"' } }, () =>
      origin.setFile('/f.bin', { content: longer, etag: '"same"' }),
    );
    expect(origin.requests[1]!.status).toBe(206);
    expect(failed.error_code).toBe('FILE_CHANGED');
    expect(failed.error_message).toContain(': its size is 2,101,248 bytes instead of 2,097,152 bytes).');
  });

  it('a lying Content-Range is not appended: the file is fetched again from 0', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: v1 } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 }, { kind: 'lying-content-range', claimedStart: 0 });
    const { done } = await download();
    expect(readFileSync(done.path).equals(v1)).toBe(true);
    expect(origin.requests.map((r) => r.status)).toEqual([200, 206, 200]);
    expect(done.notice).toBe('The server answered the resume request with the wrong byte range; downloading again from the start.');
    expect(done.notice_code).toBe('RESTART_WRONG_RANGE');
  });

  it('a body longer than announced: never a byte past the total, then 416 finishes it', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: v1 } });
    origin.script('/f.bin', { kind: 'drop-after', bytes: SIZE / 2 }, { kind: 'extra-bytes', bytes: 10_000 });
    engine = startEngine();
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).equals(v1)).toBe(true);
    expect(engine.store.listAttempts(id).map((a) => a.error_code)).toEqual(['CONNECTION_RESET', 'BODY_TOO_LONG', null]);
    expect(origin.requests.at(-1)!.status).toBe(416);
    expect(origin.requests.at(-1)!.headers.range).toBe(`bytes=${SIZE}-`);
  });

  it('416 naming a smaller total (the file shrank) is refused', async () => {
    const shorter = v2.subarray(0, SIZE / 4);
    // A server that keeps Last-Modified while the file shrinks: If-Range passes, the range does not.
    const lastModified = 'Mon, 02 Nov 2026 10:00:00 GMT';
    const { failed } = await refusedAfterChange({ '/f.bin': { content: v1, etag: null, lastModified } }, () =>
      origin.setFile('/f.bin', { content: shorter, etag: null, lastModified }),
    );
    expect(origin.requests.map((r) => r.status)).toEqual([200, 416]);
    expect(failed.error_code).toBe('FILE_CHANGED');
    expect(failed.error_message).toContain(': its size is 512 KB instead of 2 MB).');
  });

  it('asks for raw bytes and keeps them raw', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: v1 } });
    const { done } = await download();
    expect(origin.requests[0]!.headers['accept-encoding']).toBe('identity');
    expect(readFileSync(done.path).equals(v1)).toBe(true);
  });

  it('a body gzip-encoded against our wishes is saved decoded, and its size is what was decoded', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: v1 } });
    origin.script('/f.bin', { kind: 'gzip' });
    const { done } = await download();
    expect(readFileSync(done.path).equals(v1)).toBe(true);
    expect(done.total_bytes).toBe(String(SIZE));
    expect(origin.requests.map((r) => r.status)).toEqual([200]);
  });

  it('a .gz file sent as Content-Encoding: gzip stays a gzip file, as browsers keep it', async () => {
    origin = await startFaultOrigin({ '/backup.tar.gz': { content: v1 } });
    origin.script('/backup.tar.gz', { kind: 'gzip' });
    const { done } = await download('/backup.tar.gz');
    expect(readFileSync(done.path).equals(gzipSync(v1))).toBe(true);
  });

  it('a .gz file served as Content-Encoding: gzip with ranges resumes by Range, kept compressed', async () => {
    const packed = gzipSync(v1);
    origin = await startFaultOrigin({ '/logs.tar.gz': { content: packed, headers: { 'Content-Encoding': 'gzip' } } });
    origin.script('/logs.tar.gz', { kind: 'drop-after', bytes: Math.floor(packed.length / 2) });
    const { done } = await download('/logs.tar.gz');
    expect(readFileSync(done.path).equals(packed)).toBe(true);
    expect(origin.requests.map((r) => r.status)).toEqual([200, 206]);
    expect(done.notice).toBeNull();
  });

  it('a Content-Encoding that names no coding ("binary") is identity; zstd, which cannot be decoded, fails', async () => {
    origin = await startFaultOrigin({
      '/odd.bin': { content: v1, headers: { 'Content-Encoding': 'binary' } },
      '/packed.bin': { content: v2, headers: { 'Content-Encoding': 'zstd' } },
    });
    engine = startEngine();
    const odd = await engine.manager.add({ url: origin.url('/odd.bin') });
    const packed = await engine.manager.add({ url: origin.url('/packed.bin') });
    const kept = await engine.waitForStatus(odd.id, 'completed');
    expect(readFileSync(kept.path).equals(v1)).toBe(true);
    const refused = await engine.waitForStatus(packed.id, 'failed');
    expect(refused).toMatchObject({ error_code: 'BAD_RESPONSE', failed_count: 1 });
    expect(refused.error_message).toBe(`127.0.0.1:${origin.port} sent the file encoded as 'zstd', which Steadfast cannot decode`);
    expect(existsSync(join(engine.downloads, 'packed.bin'))).toBe(false);
  });
});
