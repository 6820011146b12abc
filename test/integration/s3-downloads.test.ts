import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../src-main/contract/settings.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { type CannedReply, startCannedS3 } from '../support/canned-s3.js';
import { startEngine, tempDir, type EngineHarness } from '../support/engine-harness.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { type LocalS3, S3RVER_KEY, startLocalS3 } from '../support/s3-fixtures.js';
import { startTcpFaultProxy, type TcpFaultProxy } from '../support/tcp-fault-proxy.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const getRequests = (proxy: TcpFaultProxy) => proxy.requests.filter((line) => line.startsWith('GET '));

function s3Engine(endpoint: string, settings: Partial<Settings> = {}, secret = S3RVER_KEY.secretAccessKey): EngineHarness {
  const secrets = new MemorySecretStore();
  secrets.set('s3_secret_access_key', secret);
  return startEngine({
    secrets,
    settings: { s3_endpoint: endpoint, s3_region: 'us-east-1', s3_access_key_id: S3RVER_KEY.accessKeyId, ...settings },
  });
}

describe('S3 downloads against s3rver', () => {
  let s3: LocalS3;
  let proxy: TcpFaultProxy;
  let engine: EngineHarness;
  beforeEach(async () => {
    s3 = await startLocalS3(['media']);
    // Every request goes through the proxy, which counts them and can cut them.
    proxy = await startTcpFaultProxy(s3.port);
  });
  afterEach(async () => {
    await engine?.close();
    await proxy.close();
    await s3.close();
  });
  const endpoint = () => `http://127.0.0.1:${proxy.port}`;

  it('downloads an object byte-identical, named after its key', async () => {
    const content = randomBytesSeeded(4 * MiB, 41);
    await s3.put('media', 'videos/abc/720p.mp4', content);
    engine = s3Engine(endpoint());
    const { id } = await engine.manager.add({ url: 's3://media/videos/abc/720p.mp4' });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.filename).toBe('720p.mp4');
    expect(done.source).toEqual({ kind: 's3', bucket: 'media', key: 'videos/abc/720p.mp4' });
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(getRequests(proxy)).toHaveLength(1);
  });

  it('resumes after the connection is cut mid-body, fetching only the missing bytes', async () => {
    const size = 8 * MiB;
    const content = randomBytesSeeded(size, 42);
    await s3.put('media', 'big.bin', content);
    engine = s3Engine(endpoint());
    proxy.cutAfter(3 * MiB);
    const { id } = await engine.manager.add({ s3: { bucket: 'media', key: 'big.bin' } });
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(1);

    const [first, second] = engine.store.listAttempts(id);
    expect(first!.error_code).toBe('CONNECTION_RESET');
    expect(second!.offset_from).toBe(first!.offset_to);
    expect(first!.offset_to).toBeGreaterThan(2 * MiB);
    expect(getRequests(proxy)).toHaveLength(2);
    // Body bytes that crossed the wire beyond the file itself (headers are a few hundred bytes).
    const headerAllowance = 2 * 1024;
    const refetched = proxy.downstreamBytes() - size;
    expect(refetched).toBeLessThan(headerAllowance + 64 * 1024);
    const secondConnection = proxy.connections.at(-1)!;
    expect(secondConnection.downstream - (size - first!.offset_to!)).toBeLessThan(headerAllowance);
  });

  it('an object replaced between attempts is refused with the partial kept; Restart takes the new object', async () => {
    const v1 = randomBytesSeeded(4 * MiB, 43);
    const v2 = randomBytesSeeded(5 * MiB, 44);
    await s3.put('media', 'clip.mp4', v1);
    engine = s3Engine(endpoint(), { initial_delay_seconds: 0.5 });
    proxy.cutAfter(MiB);
    const { id } = await engine.manager.add({ url: 's3://media/clip.mp4' });
    const retrying = await engine.waitForStatus(id, 'retrying');
    const partial = join(engine.downloads, 'clip.mp4.partial');
    const before = readFileSync(partial);
    expect(before.equals(v1.subarray(0, before.length))).toBe(true);
    await s3.put('media', 'clip.mp4', v2);
    const failed = await engine.waitForStatus(id, 'failed');
    // s3rver ignores IfMatch: the returned ETag and size caught the change.
    expect(failed.error_code).toBe('FILE_CHANGED');
    expect(failed.downloaded_bytes).toBe(retrying.downloaded_bytes);
    expect(readFileSync(partial).equals(before)).toBe(true);
    await engine.manager.restart(id);
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(v2));
  });

  const permanent: [string, () => Promise<EngineHarness>, string, string][] = [
    ['wrong bucket', async () => s3Engine(endpoint()), 's3://nope/a.bin', "Bucket 'nope' does not exist"],
    ['wrong key', async () => s3Engine(endpoint()), 's3://media/missing.bin', "Object 'missing.bin' does not exist in bucket 'media'"],
    [
      'wrong access key',
      async () => s3Engine(endpoint(), { s3_access_key_id: 'WRONGKEY' }),
      's3://media/a.bin',
      "The S3 access key id is not known to the server (bucket 'media')",
    ],
  ];
  for (const [name, makeEngine, url, message] of permanent) {
    it(`${name} fails at once after one request: "${message}"`, async () => {
      await s3.put('media', 'a.bin', randomBytesSeeded(1024, 45));
      engine = await makeEngine();
      const { id } = await engine.manager.add({ url });
      const failed = await engine.waitForStatus(id, 'failed');
      expect(failed.error_message).toBe(message);
      expect(failed.failed_count).toBe(1);
      expect(getRequests(proxy)).toHaveLength(1);
    });
  }
});

describe('S3 errors s3rver cannot produce (canned responses)', () => {
  let engine: EngineHarness;
  let canned: Awaited<ReturnType<typeof startCannedS3>>;
  afterEach(async () => {
    await engine?.close();
    await canned?.close();
  });
  const object = randomBytesSeeded(256 * 1024, 46);
  const ok: CannedReply = { status: 200, body: object, headers: { etag: '"v1"' } };

  const cases: [string, number, string, boolean, string][] = [
    ['SignatureDoesNotMatch', 403, 'UNAUTHORIZED', false, "The S3 secret access key does not match the access key id (bucket 'media')"],
    ['ExpiredToken', 400, 'UNAUTHORIZED', false, "The S3 session token has expired (bucket 'media')"],
    ['AccessDenied', 403, 'ACCESS_DENIED', false, 'Access denied to s3://media/a.bin'],
    ['SlowDown', 503, 'RATE_LIMITED', true, 'S3 asked to slow down (SlowDown) for s3://media/a.bin'],
    ['InternalError', 500, 'SERVER_ERROR', true, 'Temporary S3 error (InternalError) for s3://media/a.bin'],
    ['ServiceUnavailable', 503, 'SERVER_ERROR', true, 'Temporary S3 error (ServiceUnavailable) for s3://media/a.bin'],
  ];
  for (const [code, status, errorCode, transient, message] of cases) {
    it(`${code} (${status}) → ${errorCode}, ${transient ? 'retried' : 'failed at once'}`, async () => {
      canned = await startCannedS3({ status, code }, ok);
      engine = s3Engine(canned.endpoint);
      const { id } = await engine.manager.add({ url: 's3://media/a.bin' });
      if (transient) {
        const done = await engine.waitForStatus(id, 'completed');
        expect(readFileSync(done.path).equals(object)).toBe(true);
        expect(engine.store.listAttempts(id).map((a) => [a.error_code, a.error_message])).toEqual([[errorCode, message], [null, null]]);
      } else {
        const failed = await engine.waitForStatus(id, 'failed');
        expect([failed.error_code, failed.error_message, failed.failed_count]).toEqual([errorCode, message, 1]);
        expect(canned.requests).toHaveLength(1);
      }
    });
  }

  /** The canned store cut the first response at 100 KiB: those bytes stay, nothing after them. */
  const keptFirstBytes = async (id: string) => {
    const failed = await engine.waitForStatus(id, 'failed');
    expect(failed).toMatchObject({ error_code: 'FILE_CHANGED', failed_count: 2 });
    expect(failed.error_message).toMatch(/^The link now gives a different file \(.+: another version of it\)\. The partial file is kept/);
    const partial = readFileSync(join(engine.downloads, 'a.bin.partial'));
    expect(partial.length).toBe(Number(failed.downloaded_bytes));
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.equals(object.subarray(0, partial.length))).toBe(true);
    expect(canned.requests).toHaveLength(2);
  };

  it('resumes with Range and IfMatch; a 412 is refused as another version, the partial kept', async () => {
    canned = await startCannedS3({ ...ok, dropAfter: 100 * 1024 }, { status: 412, code: 'PreconditionFailed' });
    engine = s3Engine(canned.endpoint);
    const { id } = await engine.manager.add({ url: 's3://media/a.bin' });
    await keptFirstBytes(id);
    const resume = canned.requests[1]!;
    expect(resume.headers.range).toBe(`bytes=${engine.store.listAttempts(id)[1]!.offset_from}-`);
    expect(resume.headers['if-match']).toBe('"v1"');
  });

  it('a 206 whose ETag differs from the recorded one is refused (stores that ignore IfMatch)', async () => {
    const v2 = randomBytesSeeded(256 * 1024, 48);
    canned = await startCannedS3({ ...ok, dropAfter: 100 * 1024 }, { rangeOf: v2, headers: { etag: '"v2"' } });
    engine = s3Engine(canned.endpoint);
    const { id } = await engine.manager.add({ url: 's3://media/a.bin' });
    await keptFirstBytes(id);
  });
});

describe('S3 with no credentials anywhere', () => {
  let engine: EngineHarness | undefined;
  let canned: Awaited<ReturnType<typeof startCannedS3>> | undefined;
  let home: string | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await engine?.close();
    await canned?.close();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  it('fails at once with CREDENTIALS_MISSING, before any request and well inside the first retry delay', async () => {
    // A user with empty AWS files, no AWS_* variable and no instance metadata to ask.
    home = tempDir();
    writeFileSync(join(home, 'config'), '');
    writeFileSync(join(home, 'credentials'), '');
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) vi.stubEnv(name, undefined);
    vi.stubEnv('HOME', home);
    vi.stubEnv('AWS_CONFIG_FILE', join(home, 'config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(home, 'credentials'));
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    canned = await startCannedS3({ status: 200, body: randomBytesSeeded(1024, 49), headers: { etag: '"v1"' } });
    // The real schedule: a transient failure would wait 2 s before attempt 2.
    engine = startEngine({ settings: { initial_delay_seconds: 2, s3_endpoint: canned.endpoint, s3_region: 'us-east-1' } });

    const started = Date.now();
    const { id } = await engine.manager.add({ url: 's3://media/a.bin' });
    const failed = await engine.waitForStatus(id, 'failed');
    expect(Date.now() - started).toBeLessThan(1500);
    expect([failed.error_code, failed.failed_count, failed.retry_info.next_retry_in]).toEqual(['CREDENTIALS_MISSING', 1, null]);
    expect(failed.error_message).toBe(
      'No S3 credentials found: set an access key in the settings, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an AWS profile',
    );
    expect(engine.store.listAttempts(id).map((a) => a.error_code)).toEqual(['CREDENTIALS_MISSING']);
    expect(canned.requests).toHaveLength(0);
  });
});
