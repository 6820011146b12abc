import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { startEngine, tempDir, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { type LocalS3, S3RVER_KEY, startLocalS3 } from '../support/s3-fixtures.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const ranged = (origin: FaultOrigin) => origin.requests.filter((r) => r.method === 'GET' && r.headers.range !== undefined);

describe('segmented downloads', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('splits over several connections, each a bounded range, and ends byte-identical', async () => {
    const content = randomBytesSeeded(16 * MiB, 111);
    origin = await startFaultOrigin({ '/big.bin': { content } });
    origin.throttle(8 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 4 } });
    const { id } = await engine.manager.add({ url: origin.url('/big.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    // The first request asks for the whole file as a range, which proves the server serves them.
    const [firstRequest, ...ranges] = ranged(origin);
    expect(firstRequest!.headers.range).toBe('bytes=0-');
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    for (const r of ranges) expect(r.headers.range).toMatch(/^bytes=\d+-\d+$/);
    expect(ranges.every((r) => r.headers['if-range'] !== undefined)).toBe(true);
    // Every byte was sent once, give or take what was in flight when a range was handed over.
    expect(origin.bytesSent('/big.bin')).toBeLessThan(content.length + 4 * MiB);
    expect(engine.store.listSegments(id)).toEqual([]);
  });

  it('is faster than one connection on an origin that throttles each connection', async () => {
    const content = randomBytesSeeded(8 * MiB, 112);
    origin = await startFaultOrigin({ '/a.bin': { content }, '/b.bin': { content } });
    origin.throttle(4 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 1 } });
    let started = Date.now();
    const single = await engine.manager.add({ url: origin.url('/a.bin') });
    await engine.waitForStatus(single.id, 'completed');
    const oneConnection = Date.now() - started;
    await engine.manager.updateSettings({ connections: 8 });
    started = Date.now();
    const multi = await engine.manager.add({ url: origin.url('/b.bin') });
    const done = await engine.waitForStatus(multi.id, 'completed');
    const eight = Date.now() - started;
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    // Not a timing goal (the bench measures speed): only proof that the connections run at once.
    expect(eight).toBeLessThan(oneConnection / 2);
  });

  it('a cut in one range is a connection retry, not a failed attempt: the others go on, nothing is fetched twice', async () => {
    const content = randomBytesSeeded(16 * MiB, 113);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(8 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 4, initial_delay_seconds: 0.3 } });
    // The first connection is cut after 512 KiB, while the three ranges split off it run.
    origin.script('/f.bin', { kind: 'drop-after', bytes: 512 * 1024 });
    let most = 0;
    let retriesSeen = 0;
    engine.manager.onChanged(({ snapshots }) => {
      for (const s of snapshots) {
        most = Math.max(most, s.connections);
        retriesSeen = Math.max(retriesSeen, s.connection_retries);
      }
    });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    const attempts = await engine.manager.attempts(id);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ error_code: null, connection_retries: 1 });
    expect(retriesSeen).toBe(1);
    // Only what was in flight on the cut connection is sent twice.
    expect(origin.bytesSent('/f.bin')).toBeLessThan(content.length + 2 * MiB);
    expect(most).toBeGreaterThanOrEqual(3);
  });

  it('an outage shorter than the connection retries costs no attempt', async () => {
    const content = randomBytesSeeded(16 * MiB, 122);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(4 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 4, stall_timeout_seconds: 10 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => s.connections === 4);
    // Every connection dies at once, and new ones are refused for a second.
    void origin.down(1000);
    origin.throttle(null);
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    expect((await engine.manager.attempts(id))[0]!.connection_retries).toBeGreaterThanOrEqual(4);
  });

  it("an outage longer than every connection's retries fails the attempt once, not once per connection", async () => {
    const content = randomBytesSeeded(16 * MiB, 123);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(4 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 4, stall_timeout_seconds: 30, initial_delay_seconds: 3 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => s.connections === 4);
    void origin.down(5000);
    origin.throttle(null);
    const waiting = await engine.waitForStatus(id, 'retrying');
    expect(waiting.failed_count).toBe(1);
    expect(waiting.error_code).toBe('CONNECTION_REFUSED');
    expect(waiting.error_message).toBe(`Connection refused by 127.0.0.1:${origin.port} (every connection failed 4 times in a row)`);
    const done = await engine.waitForStatus(id, 'completed', 30_000);
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(1);
  });

  /** Every recorded range of the partial holds `content`'s own bytes at its place. */
  const rangesHold = (id: string, content: Buffer) => {
    const partial = readFileSync(join(engine.downloads, 'f.bin.partial'));
    const segments = engine.store.listSegments(id);
    for (const s of segments) expect(partial.subarray(s.start, s.start + s.done).equals(content.subarray(s.start, s.start + s.done))).toBe(true);
    return segments;
  };

  it('a file that changes under its ranges never ends as a mix: the old version, or refused with its ranges kept', async () => {
    const v1 = randomBytesSeeded(8 * MiB, 114);
    const v2 = randomBytesSeeded(8 * MiB, 115);
    origin = await startFaultOrigin({ '/f.bin': { content: v1, etag: '"1"' } });
    origin.throttle(4 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 4, initial_delay_seconds: 0.2 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, () => ranged(origin).length >= 2);
    // Responses already under way keep serving v1; any range asked for from now on meets v2.
    origin.setFile('/f.bin', { content: v2, etag: '"2"' });
    await sleep(400);
    origin.throttle(null);
    const ended = await engine.waitFor(id, (s) => s.status === 'completed' || s.status === 'failed');
    if (ended.status === 'completed') {
      expect(sha256(readFileSync(ended.path))).toBe(sha256(v1));
      return;
    }
    expect(ended).toMatchObject({ error_code: 'FILE_CHANGED', failed_count: 1 });
    const segments = rangesHold(id, v1);
    expect(ended.downloaded_bytes).toBe(String(segments.reduce((sum, s) => sum + s.done, 0)));
  });

  it('ranges left by a stopped attempt are kept when the file changed: refused, then Restart fetches it whole', async () => {
    const v1 = randomBytesSeeded(8 * MiB, 118);
    const v2 = randomBytesSeeded(8 * MiB, 119);
    origin = await startFaultOrigin({ '/f.bin': { content: v1, etag: '"1"' } });
    origin.throttle(1 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 4, initial_delay_seconds: 0.5 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => Number(s.downloaded_bytes) > 0);
    const paused = await engine.manager.pause(id);
    const before = engine.store.listSegments(id);
    expect(before.length).toBe(4);
    const partialBefore = readFileSync(join(engine.downloads, 'f.bin.partial'));
    origin.setFile('/f.bin', { content: v2, etag: '"2"' });
    origin.throttle(null);
    await engine.manager.resume(id);
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed.error_code).toBe('FILE_CHANGED');
    expect(failed.downloaded_bytes).toBe(paused.downloaded_bytes);
    expect(engine.store.listSegments(id)).toEqual(before);
    expect(readFileSync(join(engine.downloads, 'f.bin.partial')).equals(partialBefore)).toBe(true);
    rangesHold(id, v1);

    await engine.manager.restart(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(v2));
    expect(engine.store.listAttempts(id).map((a) => a.error_code)).toEqual([null, 'FILE_CHANGED', null]);
  });

  it('a server that claims ranges but answers bytes=0- whole is never split: no restart, no notice', async () => {
    const content = randomBytesSeeded(8 * MiB, 124);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    // Accept-Ranges: bytes on every answer, and a whole 200 for every Range.
    origin.script('/f.bin', ...Array.from({ length: 20 }, () => ({ kind: 'ignore-range' }) as const));
    engine = startEngine({ settings: { connections: 4, max_attempts: 1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.notice).toBeNull();
    expect(engine.store.listAttempts(id).map((a) => [a.error_code, a.error_message])).toEqual([[null, null]]);
    expect(origin.requests.filter((r) => r.method === 'GET').map((r) => r.headers.range)).toEqual(['bytes=0-']);
    expect(origin.bytesSent('/f.bin')).toBe(content.length);
  });

  it('an empty file: bytes=0- cannot be served (416), so it is asked for plainly and saved empty', async () => {
    origin = await startFaultOrigin({ '/empty.bin': { content: Buffer.alloc(0) } });
    engine = startEngine({ settings: { connections: 4 } });
    const { id } = await engine.manager.add({ url: origin.url('/empty.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(readFileSync(done.path).length).toBe(0);
    expect(done.failed_count).toBe(0);
    expect(origin.requests.map((r) => [r.headers.range ?? null, r.status])).toEqual([
      ['bytes=0-', 416],
      [null, 200],
    ]);
  });

  it('a server that serves the first range but ignores later ones: one connection from the start, no attempt spent', async () => {
    const content = randomBytesSeeded(8 * MiB, 117);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    // Accept-Ranges: bytes on every answer; the first request is served as asked, every later Range whole.
    origin.script('/f.bin', { kind: 'pass' }, ...Array.from({ length: 20 }, () => ({ kind: 'ignore-range' }) as const));
    engine = startEngine({ settings: { connections: 4, max_attempts: 1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    const message = `127.0.0.1:${origin.port} ignored a byte-range request; downloading again over one connection from the start.`;
    expect(done.notice).toBe(message);
    expect(done.notice_code).toBe('ONE_CONNECTION_RANGES_IGNORED');
    expect(engine.store.listAttempts(id).map((a) => [a.error_code, a.error_message, a.stop_code])).toEqual([
      [null, message, 'ONE_CONNECTION'],
      [null, null, null],
    ]);
    // The second attempt asked for no range at all.
    expect(origin.requests.at(-1)!.headers.range).toBeUndefined();
    // Remembered in the database, so a restart of the app does not split it again.
    expect(engine.store.listDownloads().find((d) => d.id === id)!.one_connection).toBe(true);
  });

  it('a resume trusts no more of the ranges than the partial holds: a deleted partial is fetched again', async () => {
    const content = randomBytesSeeded(8 * MiB, 120);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(1 * MiB, { perConnection: true });
    engine = startEngine({ settings: { connections: 4 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    await engine.waitFor(id, (s) => engine.store.listSegments(id).reduce((sum, r) => sum + r.done, 0) >= 2 * MiB && s.status === 'downloading');
    const paused = await engine.manager.pause(id);
    expect(Number(paused.downloaded_bytes)).toBeGreaterThanOrEqual(2 * MiB);
    expect(engine.store.listSegments(id).length).toBe(4);
    rmSync(paused.path);
    origin.throttle(null);
    await engine.manager.resume(id);
    const done = await engine.waitForStatus(id, 'completed');
    // Before the fix: "completed" with the recorded ranges' bytes left as zeros.
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(engine.store.listAttempts(id)[1]!.offset_from).toBe(Number(paused.downloaded_bytes));
  });

  it('a range answered with the wrong Content-Range: one connection from the start, no extra request, the right words', async () => {
    const content = randomBytesSeeded(8 * MiB, 121);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.throttle(4 * MiB, { perConnection: true });
    // The first request is the whole file; the lie answers the first byte-range request after it.
    origin.script('/f.bin', { kind: 'pass' }, { kind: 'lying-content-range', claimedStart: 0 });
    engine = startEngine({ settings: { connections: 4, max_attempts: 1 } });
    const { id } = await engine.manager.add({ url: origin.url('/f.bin') });
    origin.throttle(null);
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    expect(done.notice).toBe(
      `127.0.0.1:${origin.port} answered a byte-range request with the wrong range; downloading again over one connection from the start.`,
    );
    // Only the one-connection restart asks for the file without a range (the first request asks
    // for bytes=0-); before the fix the source also fetched the whole file on its own after the
    // lie, only for it to be thrown away.
    const whole = origin.requests.filter((r) => r.method === 'GET' && r.headers.range === undefined);
    expect(whole.length).toBe(1);
  });

  it('S3 objects split over ranged GetObjects too', async () => {
    let s3: LocalS3 | undefined;
    try {
      s3 = await startLocalS3(['media']);
      const content = randomBytesSeeded(12 * MiB, 116);
      await s3.put('media', 'big.bin', content);
      const secrets = new MemorySecretStore();
      secrets.set('s3_secret_access_key', S3RVER_KEY.secretAccessKey);
      engine = startEngine({
        secrets,
        settings: { connections: 4, s3_endpoint: s3.endpoint, s3_region: 'us-east-1', s3_access_key_id: S3RVER_KEY.accessKeyId },
      });
      const { id } = await engine.manager.add({ url: 's3://media/big.bin' });
      const done = await engine.waitForStatus(id, 'completed');
      expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    } finally {
      await engine?.close();
      await s3?.close();
    }
  });
});

describe('segmented downloads survive kill -9', () => {
  let origin: FaultOrigin;
  let root: string;
  afterEach(async () => {
    await origin?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a CLI killed mid-download resumes every range and ends byte-identical', async () => {
    const content = randomBytesSeeded(24 * MiB, 117);
    origin = await startFaultOrigin({ '/iso.bin': { content } });
    origin.throttle(3 * MiB, { perConnection: true });
    root = tempDir();
    const args = ['get', origin.url('/iso.bin'), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data'), '--connections', '4'];
    const first = runCli(args);
    for (let i = 0; i < 400 && ranged(origin).length < 3; i++) await sleep(25);
    await sleep(1500);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(statSync(join(root, 'dl', 'iso.bin.partial')).size).toBeGreaterThan(0);
    const before = origin.bytesSent('/iso.bin');

    origin.throttle(null);
    const second = await runCli(args).exited;
    expect(second.stderr.split('\n').filter((l) => /failed|error/i.test(l))).toEqual([]);
    expect(second.code).toBe(0);
    expect(sha256(readFileSync(join(root, 'dl', 'iso.bin')))).toBe(sha256(content));
    // The second run fetched only what the first had not made durable.
    expect(origin.bytesSent('/iso.bin') - before).toBeLessThan(content.length);
    // In all, the file once and what was in flight when the process died.
    expect(origin.bytesSent('/iso.bin')).toBeLessThanOrEqual(content.length + 16 * MiB);
  });
});
