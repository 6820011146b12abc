/**
 * A self-test of the fault origin. Every integration test trusts this server
 * to be a correct origin when no fault is scripted, and to fail exactly as
 * scripted when one is. A bug here would make engine tests pass or fail for
 * the wrong reason, so its behaviour is pinned with plain fetch and node:http.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytesSeeded, startFaultOrigin, type FaultOrigin } from '../support/fault-origin.js';

const SIZE = 300 * 1024; // several 64 KiB chunks, so chunking and offsets are exercised
const content = randomBytesSeeded(SIZE, 42);

let origin: FaultOrigin | null = null;
async function start(): Promise<FaultOrigin> {
  origin = await startFaultOrigin({ '/file.bin': { content, lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' } });
  return origin;
}
afterEach(async () => {
  await origin?.close();
  origin = null;
});

/** Reads a body until it ends or errors. Tests of cut connections need the bytes that arrived before the error, which fetch().arrayBuffer() throws away. */
async function readAll(res: Response): Promise<{ bytes: Buffer; error: unknown }> {
  const parts: Uint8Array[] = [];
  const reader = res.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: Buffer.concat(parts), error: null };
      parts.push(value);
    }
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}

describe('fault origin: normal serving', () => {
  it('serves the whole file with validators and Accept-Ranges', async () => {
    const o = await start();
    const res = await fetch(o.url());
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{16}"$/);
    expect(res.headers.get('last-modified')).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
    expect(o.bytesSent('/file.bin')).toBe(SIZE);
  });

  it('answers Range with 206 and the exact slice', async () => {
    const o = await start();
    const open = await fetch(o.url(), { headers: { Range: 'bytes=100000-' } });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes 100000-${SIZE - 1}/${SIZE}`);
    expect(open.headers.get('content-length')).toBe(String(SIZE - 100000));
    expect(Buffer.from(await open.arrayBuffer()).equals(content.subarray(100000))).toBe(true);

    const closed = await fetch(o.url(), { headers: { Range: 'bytes=10-19' } });
    expect(closed.status).toBe(206);
    expect(closed.headers.get('content-range')).toBe(`bytes 10-19/${SIZE}`);
    expect(Buffer.from(await closed.arrayBuffer()).equals(content.subarray(10, 20))).toBe(true);
  });

  it('honours If-Range: a match gives 206, a mismatch gives 200 and the whole file', async () => {
    const o = await start();
    const etag = (await fetch(o.url(), { method: 'HEAD' })).headers.get('etag')!;

    const match = await fetch(o.url(), { headers: { Range: 'bytes=5-', 'If-Range': etag } });
    expect(match.status).toBe(206);
    await match.arrayBuffer();

    const stale = await fetch(o.url(), { headers: { Range: 'bytes=5-', 'If-Range': '"stale"' } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('content-range')).toBeNull();
    expect(Buffer.from(await stale.arrayBuffer()).equals(content)).toBe(true);

    const dateMatch = await fetch(o.url(), { headers: { Range: 'bytes=5-', 'If-Range': 'Wed, 21 Oct 2015 07:28:00 GMT' } });
    expect(dateMatch.status).toBe(206);
    await dateMatch.arrayBuffer();
  });

  it('answers 416 with bytes */total past the end, and 404 for unknown paths', async () => {
    const o = await start();
    const res = await fetch(o.url(), { headers: { Range: `bytes=${SIZE}-` } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${SIZE}`);
    await res.arrayBuffer();
    expect((await fetch(o.url('/nope.bin'))).status).toBe(404);
  });

  it('setFile changes the content and the default ETag', async () => {
    const o = await start();
    const before = (await fetch(o.url(), { method: 'HEAD' })).headers.get('etag');
    o.setFile('/file.bin', { content: Buffer.from('new'), etag: null });
    const res = await fetch(o.url());
    expect(res.headers.get('etag')).toBeNull();
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('new');
    expect(before).not.toBeNull();
  });
});

describe('fault origin: scripted faults', () => {
  it('drop-after delivers exactly N bytes, then the connection errors', async () => {
    const o = await start();
    o.script('/file.bin', { kind: 'drop-after', bytes: 70_000 });
    const res = await fetch(o.url());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(SIZE));
    const { bytes, error } = await readAll(res);
    expect(error).toBeTruthy();
    expect(bytes.length).toBe(70_000);
    expect(bytes.equals(content.subarray(0, 70_000))).toBe(true);
    expect(o.bytesSent()).toBe(70_000);
    expect(o.requests[0]).toMatchObject({ fault: 'drop-after', status: 200, bytesSent: 70_000 });
  });

  it('status fault sends the canned response with Retry-After', async () => {
    const o = await start();
    o.script('/file.bin', { kind: 'status', status: 503, headers: { 'Retry-After': '2' }, body: 'busy' });
    const res = await fetch(o.url());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.text()).toBe('busy');
  });

  it('consumes faults one per request, in order (HEAD too), then serves normally', async () => {
    const o = await start();
    o.script('/file.bin', { kind: 'status', status: 500 }, { kind: 'reset' }, { kind: 'status', status: 429 });
    expect((await fetch(o.url(), { method: 'HEAD' })).status).toBe(500);
    await expect(fetch(o.url())).rejects.toThrow();
    expect((await fetch(o.url())).status).toBe(429);
    const ok = await fetch(o.url());
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    expect(o.requests.map((r) => [r.method, r.fault, r.status])).toEqual([
      ['HEAD', 'status', 500],
      ['GET', 'reset', null],
      ['GET', 'status', 429],
      ['GET', null, 200],
    ]);
  });

  it('counts bytesSent per path and in total', async () => {
    const o = await start();
    o.setFile('/small.bin', { content: Buffer.from('0123456789') });
    await (await fetch(o.url(), { headers: { Range: 'bytes=1000-' } })).arrayBuffer();
    await (await fetch(o.url('/small.bin'))).arrayBuffer();
    await (await fetch(o.url('/small.bin'), { method: 'HEAD' })).arrayBuffer();
    expect(o.bytesSent('/file.bin')).toBe(SIZE - 1000);
    expect(o.bytesSent('/small.bin')).toBe(10);
    expect(o.bytesSent()).toBe(SIZE - 1000 + 10);
  });

  it('close() returns promptly while a stall-after response is open', async () => {
    const o = await start();
    o.script('/file.bin', { kind: 'stall-after', bytes: 1000 });
    const got = await new Promise<{ bytes: number; res: http.IncomingMessage }>((resolve, reject) => {
      const req = http.get(o.url(), (res) => {
        let bytes = 0;
        res.on('data', (d: Buffer) => {
          bytes += d.length;
          if (bytes >= 1000) resolve({ bytes, res });
        });
        res.on('error', () => undefined);
      });
      req.on('error', reject);
    });
    expect(got.bytes).toBe(1000);
    const ended = new Promise<void>((resolve) => got.res.once('close', () => resolve()));
    const t0 = performance.now();
    await o.close();
    await ended;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(o.bytesSent()).toBe(1000);
  });

  it('short-body, lying-content-range, extra-bytes, ignore-range and gzip misbehave as described', async () => {
    const o = await start();
    o.script(
      '/file.bin',
      { kind: 'short-body', bytes: 500 },
      { kind: 'lying-content-range', claimedStart: 0 },
      { kind: 'extra-bytes', bytes: 7 },
      { kind: 'ignore-range' },
      { kind: 'gzip' },
    );

    const short = await readAll(await fetch(o.url()));
    expect(short.bytes.length).toBe(500);
    expect(short.error).toBeTruthy();

    const lying = await fetch(o.url(), { headers: { Range: 'bytes=1000-' } });
    expect(lying.status).toBe(206);
    expect(lying.headers.get('content-range')).toBe(`bytes 0-${SIZE - 1001}/${SIZE}`);
    expect(Buffer.from(await lying.arrayBuffer()).equals(content.subarray(1000))).toBe(true);

    const extra = await fetch(o.url(), { headers: { Range: 'bytes=1000-' } });
    expect(extra.headers.get('content-range')).toBe(`bytes 1000-${SIZE - 1}/${SIZE}`);
    expect(extra.headers.get('content-length')).toBeNull();
    const extraBody = Buffer.from(await extra.arrayBuffer());
    expect(extraBody.length).toBe(SIZE - 1000 + 7);
    expect(extraBody.subarray(0, SIZE - 1000).equals(content.subarray(1000))).toBe(true);

    const ignored = await fetch(o.url(), { headers: { Range: 'bytes=1000-' } });
    expect(ignored.status).toBe(200);
    expect(Buffer.from(await ignored.arrayBuffer()).equals(content)).toBe(true);

    // fetch decompresses transparently. Here that proves the encoding is real gzip of the content.
    const gz = await fetch(o.url(), { headers: { Range: 'bytes=1000-' } });
    expect(gz.status).toBe(200);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(Number(gz.headers.get('content-length'))).toBeLessThan(SIZE + 1000);
    expect(Buffer.from(await gz.arrayBuffer()).equals(content)).toBe(true);
  });

  it('throttle paces bodies', async () => {
    const o = await start();
    o.setFile('/slow.bin', { content: randomBytesSeeded(40_000, 7) });
    o.throttle(100_000);
    const t0 = performance.now();
    await (await fetch(o.url('/slow.bin'))).arrayBuffer();
    const elapsed = performance.now() - t0;
    o.throttle(null);
    // 40 kB at 100 kB/s is about 0.4 s. The first chunk goes at once, so allow some slack either side.
    expect(elapsed).toBeGreaterThan(250);
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('randomBytesSeeded', () => {
  it('is deterministic, depends on the seed, and is fast for 64 MiB', () => {
    expect(randomBytesSeeded(1001, 1).equals(randomBytesSeeded(1001, 1))).toBe(true);
    expect(randomBytesSeeded(1001, 1).equals(randomBytesSeeded(1001, 2))).toBe(false);
    expect(randomBytesSeeded(1001, 1).length).toBe(1001);
    const t0 = performance.now();
    const big = randomBytesSeeded(64 * 1024 * 1024, 3);
    expect(big.length).toBe(64 * 1024 * 1024);
    // Generous bound: only 2 cores are shared with other work, and the aim is only to catch an accidentally slow generator.
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});
