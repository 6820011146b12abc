import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { tempDir } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { S3RVER_KEY, startLocalS3 } from '../support/s3-fixtures.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The durable offset the engine has recorded, read from its database like any other reader. */
function durableOffset(dbPath: string): number {
  if (!existsSync(dbPath)) return 0;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT downloaded_bytes FROM downloads').get() as { downloaded_bytes: number } | undefined;
    return row?.downloaded_bytes ?? 0;
  } catch {
    return 0; // the schema may not exist yet
  } finally {
    db.close();
  }
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('the CLI', () => {
  let origin: FaultOrigin;
  let root: string;
  afterEach(async () => {
    await origin?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('downloads with retries and prints the final snapshot as JSON', async () => {
    const content = randomBytesSeeded(2 * MiB, 31);
    origin = await startFaultOrigin({ '/data.bin': { content } });
    origin.script('/data.bin', { kind: 'drop-after', bytes: MiB }, { kind: 'status', status: 503 });
    root = tempDir();
    const run = runCli(['get', origin.url('/data.bin'), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data'), '--retry-delay', '0.1', '--connections', '1', '--json']);
    const { code, stdout, stderr } = await run.exited;
    expect(code).toBe(0);
    const final = JSON.parse(stdout) as Record<string, unknown>;
    expect(final).toMatchObject({
      status: 'completed',
      failed_count: 2,
      downloaded_bytes: String(2 * MiB),
      total_bytes: String(2 * MiB),
      error_code: null,
      error_message: null,
      path: join(root, 'dl', 'data.bin'),
    });
    expect(sha256(readFileSync(join(root, 'dl', 'data.bin')))).toBe(sha256(content));
    expect(stderr).toContain('attempt 2 of 5');
    expect(stderr).toContain('retrying in');
    expect(stderr).toContain(`Saved ${join(root, 'dl', 'data.bin')} (2 MB) after 2 failed attempts`);
  });

  it('--speed-limit holds the download to the limit (no faster than the rate allows)', async () => {
    const content = randomBytesSeeded(384 * 1024, 32);
    origin = await startFaultOrigin({ '/slow.bin': { content } });
    root = tempDir();
    const run = runCli(['get', origin.url('/slow.bin'), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data'), '--speed-limit', '128K', '--json']);
    let firstByte = 0;
    await until(() => {
      if (origin.bytesSent('/slow.bin') > 0 && firstByte === 0) firstByte = Date.now();
      return firstByte > 0;
    });
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(sha256(readFileSync(join(root, 'dl', 'slow.bin')))).toBe(sha256(content));
    // 384 KiB at 128 KiB/s, less the bucket's first tenth of a second: at least 2.9 s.
    expect(Date.now() - firstByte).toBeGreaterThanOrEqual(2800);
  });

  it('exits non-zero with the error message on failure', async () => {
    origin = await startFaultOrigin({});
    root = tempDir();
    const { code, stderr, stdout } = await runCli(['get', origin.url('/missing.bin'), '--dir', root, '--data-dir', root, '--json']).exited;
    expect(code).toBe(1);
    expect(stderr).toContain('Download failed: File not found on the server (HTTP 404 Not Found)');
    expect(JSON.parse(stdout)).toMatchObject({ status: 'failed', error_code: 'NOT_FOUND', failed_count: 1 });
  });

  it('refuses bad arguments with usage help and exit code 2', async () => {
    root = tempDir();
    const bad = await runCli(['get', 'ftp://example.invalid/x', '--data-dir', root]).exited;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('url: url must be an absolute http:// or https:// URL, or s3://bucket/key');
    const flags = await runCli(['get', 'http://127.0.0.1/x', '--attempts', 'lots']).exited;
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--attempts must be a whole number from 1 to 100, not "lots"');
  });

  it('Ctrl-C pauses; the same command again resumes from the partial', async () => {
    const content = randomBytesSeeded(8 * MiB, 32);
    origin = await startFaultOrigin({ '/big.bin': { content } });
    origin.throttle(4 * MiB);
    root = tempDir();
    const args = ['get', origin.url('/big.bin'), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data'), '--connections', '1'];
    const first = runCli(args);
    await until(() => origin.bytesSent('/big.bin') > 2 * MiB);
    first.child.kill('SIGINT');
    const stopped = await first.exited;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('Run the same command again to resume.');
    const kept = durableOffset(join(root, 'data', 'steadfast.db'));
    expect(kept).toBeGreaterThan(2 * MiB - 1);
    expect(statSync(join(root, 'dl', 'big.bin.partial')).size).toBe(kept);

    origin.throttle(null);
    const second = await runCli(args).exited;
    expect(second.code).toBe(0);
    expect(sha256(readFileSync(join(root, 'dl', 'big.bin')))).toBe(sha256(content));
    expect(origin.requests.at(-1)!.headers.range).toBe(`bytes=${kept}-`);
  });

  it('after kill -9 mid-download, a second run completes byte-identical', async () => {
    const size = 16 * MiB;
    const content = randomBytesSeeded(size, 33);
    origin = await startFaultOrigin({ '/iso.bin': { content } });
    origin.throttle(6 * MiB);
    root = tempDir();
    const dbPath = join(root, 'data', 'steadfast.db');
    const args = ['get', origin.url('/iso.bin'), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data'), '--connections', '1'];
    const first = runCli(args);
    // Kill between checkpoints: some bytes are durable, more are written but not recorded.
    await until(() => durableOffset(dbPath) > 0);
    await until(() => origin.bytesSent('/iso.bin') > durableOffset(dbPath) + MiB);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    const durable = durableOffset(dbPath);
    const onDisk = statSync(join(root, 'dl', 'iso.bin.partial')).size;
    expect(durable).toBeGreaterThan(0);
    expect(onDisk).toBeGreaterThanOrEqual(durable);

    origin.throttle(null);
    const second = await runCli(args).exited;
    expect(second.code).toBe(0);
    expect(sha256(readFileSync(join(root, 'dl', 'iso.bin')))).toBe(sha256(content));
    // It resumed from the durable offset: neither from 0 nor from unrecorded bytes.
    expect(origin.requests.at(-1)!.headers.range).toBe(`bytes=${durable}-`);
    expect(existsSync(join(root, 'dl', 'iso.bin.partial'))).toBe(false);
  });

  it('gets s3://bucket/key with --endpoint and credentials from a --profile of the shared AWS files', async () => {
    const s3 = await startLocalS3(['media']);
    try {
      const content = randomBytesSeeded(MiB, 34);
      await s3.put('media', 'docs/report.pdf', content);
      root = tempDir();
      const credentials = join(root, 'aws-credentials');
      writeFileSync(credentials, `[work]\naws_access_key_id = ${S3RVER_KEY.accessKeyId}\naws_secret_access_key = profile-secret\n`);
      const run = await runCli(
        ['get', 's3://media/docs/report.pdf', '--endpoint', s3.endpoint, '--region', 'eu-west-1', '--profile', 'work', '--dir', root, '--data-dir', root, '--json'],
        { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: join(root, 'no-config'), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
      ).exited;
      expect(run.stderr).not.toContain('profile-secret');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', source: { kind: 's3', bucket: 'media', key: 'docs/report.pdf' } });
      expect(readFileSync(join(root, 'report.pdf')).equals(content)).toBe(true);
      const badEndpoint = await runCli(['get', 's3://media/x', '--endpoint', 'ftp://nowhere', '--data-dir', root]).exited;
      expect(badEndpoint.code).toBe(2);
      expect(badEndpoint.stderr).toContain('s3_endpoint: endpoint must be an http:// or https:// URL');
    } finally {
      await s3.close();
    }
  });
});
