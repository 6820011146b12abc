// The nginx harness itself: if it served wrong bytes or ignored its limits, the segmented-download
// tests built on it would prove nothing.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytesSeeded } from '../support/seeded-bytes.js';
import { type NginxOrigin, startNginx } from '../support/nginx-origin.js';
import { acceptsConnections } from '../support/local-ports.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One GET on a fresh connection, the body read to the end. */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('nginx origin (test harness)', () => {
  let nginx: NginxOrigin | undefined;
  afterEach(async () => {
    await nginx?.close();
    nginx = undefined;
  });

  it('serves a 4 MiB file byte-identical, and the access log counts its bytes', async () => {
    const content = randomBytesSeeded(4 * MiB, 901);
    nginx = await startNginx({ files: { '/dir/big.bin': content } });
    const answer = await get(nginx.url('/dir/big.bin'));
    expect(answer.status).toBe(200);
    expect(answer.headers['accept-ranges']).toBe('bytes');
    expect(answer.headers['content-length']).toBe(String(content.length));
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(sha256(answer.body)).toBe(sha256(content));
    const [entry] = await nginx.waitForRequests(1);
    expect(entry).toMatchObject({ status: 200, method: 'GET', path: '/dir/big.bin', range: null, bodyBytesSent: content.length });
    expect(nginx.bytesSent('/dir/big.bin')).toBe(content.length);
    expect(nginx.bytesSent('/other.bin')).toBe(0);
  });

  it('answers a Range request with 206 and the right Content-Range', async () => {
    const content = randomBytesSeeded(4 * MiB, 902);
    nginx = await startNginx({ files: { '/big.bin': content } });
    const answer = await get(nginx.url('/big.bin'), { range: 'bytes=1048576-2097151' });
    expect(answer.status).toBe(206);
    expect(answer.headers['content-range']).toBe(`bytes 1048576-2097151/${content.length}`);
    expect(answer.headers['content-length']).toBe(String(MiB));
    expect(answer.body.equals(content.subarray(MiB, 2 * MiB))).toBe(true);
    const tail = await get(nginx.url('/big.bin'), { range: 'bytes=-100' });
    expect(tail.headers['content-range']).toBe(`bytes ${content.length - 100}-${content.length - 1}/${content.length}`);
    const logged = await nginx.waitForRequests(2);
    expect(logged.map((r) => [r.status, r.range, r.bodyBytesSent])).toEqual([
      [206, 'bytes=1048576-2097151', MiB],
      [206, 'bytes=-100', 100],
    ]);
    expect(nginx.bytesSent('/big.bin')).toBe(MiB + 100);
  });

  it('limitConn 1: a second connection gets 503 while the first is throttled by limitRate', async () => {
    const content = randomBytesSeeded(4 * MiB, 903);
    nginx = await startNginx({ files: { '/big.bin': content }, limitConn: 1, limitRate: '512k' });
    let received = 0;
    let ended = false;
    const first = http.get(nginx.url('/big.bin'), { agent: false });
    const firstStatus = await new Promise<number>((resolve, reject) => {
      first.on('response', (response) => {
        response.on('data', (chunk: Buffer) => (received += chunk.length));
        response.on('end', () => (ended = true));
        resolve(response.statusCode ?? 0);
      });
      first.on('error', reject);
    });
    expect(firstStatus).toBe(200);
    const second = await get(nginx.url('/big.bin'));
    expect(second.status).toBe(503);
    await sleep(1000);
    // 512 KiB/s: nginx lets a second's worth go at once, then paces; unthrottled it would all be here.
    expect(ended).toBe(false);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(2 * MiB);
    first.destroy();
    // The limit counts requests in progress: once the first is gone a new one is served.
    let third = 0;
    for (let i = 0; i < 50 && third !== 206; i++) {
      third = (await get(nginx.url('/big.bin'), { range: 'bytes=0-9' })).status;
      if (third !== 206) await sleep(100);
    }
    expect(third).toBe(206);
    const logged = await nginx.waitForRequests(3);
    expect(logged.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(1);
    const throttled = logged.find((r) => r.range === null && r.status !== 503);
    expect(throttled?.bodyBytesSent).toBeLessThan(content.length);
    expect(nginx.bytesSent('/big.bin')).toBeLessThan(content.length);
  });

  it('per-location overrides: only /slow/ is throttled', async () => {
    const content = randomBytesSeeded(2 * MiB, 904);
    nginx = await startNginx({ files: { '/fast.bin': content, '/slow/a.bin': content }, locations: { '/slow/': { limitRate: '1m' } } });
    let started = Date.now();
    expect(sha256((await get(nginx.url('/fast.bin'))).body)).toBe(sha256(content));
    const fast = Date.now() - started;
    started = Date.now();
    expect(sha256((await get(nginx.url('/slow/a.bin'))).body)).toBe(sha256(content));
    const slow = Date.now() - started;
    // 2 MiB at 1 MiB/s with a second's burst: about a second, against milliseconds.
    expect(fast).toBeLessThan(500);
    expect(slow).toBeGreaterThan(700);
  });

  it('gzip: octet-stream is compressed when asked for, and a Range request then gets the whole 200', async () => {
    const content = Buffer.alloc(MiB, 'steadfast ');
    nginx = await startNginx({ files: { '/text.bin': content }, gzip: { minLength: 1000 } });
    const whole = await get(nginx.url('/text.bin'), { 'accept-encoding': 'gzip' });
    expect(whole.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(whole.body).equals(content)).toBe(true);
    const ranged = await get(nginx.url('/text.bin'), { 'accept-encoding': 'gzip', range: 'bytes=0-99' });
    expect(ranged.status).toBe(200);
    expect(gunzipSync(ranged.body).equals(content)).toBe(true);
    const plain = await get(nginx.url('/text.bin'), { range: 'bytes=0-99' });
    expect(plain.status).toBe(206);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('close() stops nginx, frees the port and removes the temp dir', async () => {
    const origin = await startNginx({ files: { '/a.bin': Buffer.from('a') } });
    expect(await acceptsConnections(origin.port)).toBe(true);
    await origin.close();
    expect(existsSync(origin.root)).toBe(false);
    expect(await acceptsConnections(origin.port)).toBe(false);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(origin.port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
    await origin.close();
  });

  it('says that .ci/run installs nginx when it is missing', async () => {
    await expect(startNginx({ binary: '/nonexistent/nginx' })).rejects.toThrow(/\.ci\/run installs it/);
  });
});
