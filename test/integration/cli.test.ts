import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { cliOutputOnTerminal, runCli } from '../support/cli-process.js';
import { tempDir } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { S3RVER_KEY, startLocalS3 } from '../support/s3-fixtures.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface DownloadRow {
  filename: string;
  status: string;
  downloaded_bytes: number;
}

/** The downloads the engine has recorded, read from its database like any other reader. */
function downloadRows(dbPath: string): DownloadRow[] {
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT filename, status, downloaded_bytes FROM downloads ORDER BY created_at').all() as DownloadRow[];
  } catch {
    return []; // the schema may not exist yet
  } finally {
    db.close();
  }
}

/** The durable offset the engine has recorded for the one download. */
const durableOffset = (dbPath: string): number => downloadRows(dbPath)[0]?.downloaded_bytes ?? 0;

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
  describe('with several downloads', () => {
    const lines = (text: string) => text.trim().split('\n');

    it('gets several URLs together: each saved or failed on its own, exit 1, one outcome and one JSON line each, in order', async () => {
      const a = randomBytesSeeded(3 * MiB, 41);
      const b = randomBytesSeeded(MiB + 17, 42);
      origin = await startFaultOrigin({ '/a.bin': { content: a }, '/b.bin': { content: b } });
      root = tempDir();
      const dl = join(root, 'dl');
      const urls = [origin.url('/a.bin'), origin.url('/missing.bin'), origin.url('/b.bin')];
      const { code, stdout, stderr } = await runCli(['get', ...urls, '--dir', dl, '--data-dir', join(root, 'data'), '--json']).exited;
      expect(code).toBe(1);
      expect(sha256(readFileSync(join(dl, 'a.bin')))).toBe(sha256(a));
      expect(sha256(readFileSync(join(dl, 'b.bin')))).toBe(sha256(b));
      const finals = lines(stdout).map((line) => JSON.parse(line) as { filename: string; status: string; downloaded_bytes: string });
      expect(finals.map((f) => [f.filename, f.status, f.downloaded_bytes])).toEqual([
        ['a.bin', 'completed', String(3 * MiB)],
        ['missing.bin', 'failed', '0'],
        ['b.bin', 'completed', String(MiB + 17)],
      ]);
      expect(lines(stderr).slice(-3)).toEqual([
        `Saved ${join(dl, 'a.bin')} (3 MB)`,
        `${urls[1]}: Download failed: File not found on the server (HTTP 404 Not Found)`,
        `Saved ${join(dl, 'b.bin')} (1 MB)`,
      ]);
    });

    it('runs them with the engine\'s concurrency: three at a time by default', async () => {
      const paths = ['/1.bin', '/2.bin', '/3.bin', '/4.bin'];
      origin = await startFaultOrigin(Object.fromEntries(paths.map((path, i) => [path, { content: randomBytesSeeded(2 * MiB, 60 + i) }])));
      origin.throttle(3 * MiB);
      root = tempDir();
      const run = runCli(['get', ...paths.map((path) => origin.url(path)), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data'), '--connections', '1']);
      await until(() => paths.filter((path) => origin.bytesSent(path) > 256 * 1024).length === 3);
      // None of the three has finished (6 MiB at 3 MiB/s), so the fourth has not been asked for.
      expect(paths.filter((path) => origin.requests.some((r) => r.path === path))).toHaveLength(3);
      origin.throttle(null);
      const { code } = await run.exited;
      expect(code).toBe(0);
      for (const path of paths) expect(origin.bytesSent(path)).toBeGreaterThanOrEqual(2 * MiB);
    });

    it('-j 2 runs two at a time', async () => {
      const paths = ['/1.bin', '/2.bin', '/3.bin'];
      origin = await startFaultOrigin(Object.fromEntries(paths.map((path, i) => [path, { content: randomBytesSeeded(3 * MiB, 70 + i) }])));
      origin.throttle(3 * MiB);
      root = tempDir();
      const run = runCli(['get', ...paths.map((path) => origin.url(path)), '-j', '2', '--dir', join(root, 'dl'), '--data-dir', join(root, 'data'), '--connections', '1']);
      await until(() => paths.filter((path) => origin.bytesSent(path) > 256 * 1024).length === 2);
      // Neither of the two has finished (6 MiB at 3 MiB/s), so the third has not been asked for.
      expect(paths.filter((path) => origin.requests.some((r) => r.path === path))).toHaveLength(2);
      origin.throttle(null);
      expect((await run.exited).code).toBe(0);
      for (const path of paths) expect(origin.bytesSent(path)).toBeGreaterThanOrEqual(3 * MiB);
    });

    it('-i FILE: out=, a dir= under --dir and an entry\'s own Cookie over --cookie; notes named by line', async () => {
      const secret = randomBytesSeeded(2 * MiB, 43);
      const open = randomBytesSeeded(MiB, 44);
      origin = await startFaultOrigin({
        '/private.bin': { content: secret, requireHeaders: { cookie: 'session=abc' } },
        '/public.bin': { content: open },
      });
      root = tempDir();
      const dl = join(root, 'dl');
      const list = join(root, 'list.txt');
      writeFileSync(
        list,
        ['# from the site', origin.url('/private.bin'), '  dir=sub/folder', '  out=renamed.bin', '  header=Cookie: session=abc', '  split=4', '', origin.url('/public.bin')].join('\n'),
      );
      const run = await runCli(['get', '-i', list, '--dir', dl, '--data-dir', join(root, 'data'), '--cookie', 'session=other', '--referer', 'https://site.example/']).exited;
      expect(run.stderr).toContain(`steadfast: ${list} line 6: note: option split is not used by Steadfast`);
      expect(run.code).toBe(0);
      expect(sha256(readFileSync(join(dl, 'sub', 'folder', 'renamed.bin')))).toBe(sha256(secret));
      expect(sha256(readFileSync(join(dl, 'public.bin')))).toBe(sha256(open));
      // Every request of each download carried its own headers, and none was turned away (401).
      const sent = (path: string) => new Set(origin.requests.filter((r) => r.path === path).map((r) => `${r.headers.cookie} | ${r.headers.referer}`));
      expect(sent('/private.bin')).toEqual(new Set(['session=abc | https://site.example/']));
      expect(sent('/public.bin')).toEqual(new Set(['session=other | https://site.example/']));
      expect(origin.requests.filter((r) => r.status !== 200 && r.status !== 206)).toEqual([]);
    });

    it('-i - reads standard input; a line that cannot become a download refuses the whole list (exit 2, nothing downloaded)', async () => {
      const a = randomBytesSeeded(MiB, 45);
      const b = randomBytesSeeded(MiB, 46);
      origin = await startFaultOrigin({ '/a.bin': { content: a }, '/b.bin': { content: b } });
      root = tempDir();
      const dl = join(root, 'dl');
      const args = ['get', origin.url('/a.bin'), '-i', '-', '--dir', dl, '--data-dir', join(root, 'data'), '--json'];
      const refused = await runCli(args, {}, `${origin.url('/b.bin')}\n  out=x/y.bin\nnot-a-link\n`).exited;
      expect(refused.code).toBe(2);
      expect(lines(refused.stderr)).toEqual([
        'steadfast: stdin line 2: out=x/y.bin is not a file name: put folders in dir=',
        'steadfast: stdin line 3: not a link',
        'steadfast: nothing was downloaded: 2 lines above cannot become a download',
      ]);
      expect(refused.stdout).toBe('');
      expect(origin.requests).toEqual([]);
      expect(downloadRows(join(root, 'data', 'steadfast.db'))).toEqual([]);

      const run = await runCli(args, {}, `# fixed\n${origin.url('/b.bin')}\n  out=y.bin\n`).exited;
      expect(run.code).toBe(0);
      expect(lines(run.stdout).map((line) => (JSON.parse(line) as { path: string }).path)).toEqual([join(dl, 'a.bin'), join(dl, 'y.bin')]);
      expect(readFileSync(join(dl, 'a.bin')).equals(a)).toBe(true);
      expect(readFileSync(join(dl, 'y.bin')).equals(b)).toBe(true);
    });

    it('an add the engine refuses takes back the ones added before it: nothing is left queued', async () => {
      origin = await startFaultOrigin({ '/a.bin': { content: randomBytesSeeded(MiB, 51) } });
      root = tempDir();
      const dbPath = join(root, 'data', 'steadfast.db');
      const run = await runCli(['get', origin.url('/a.bin'), 's3://bucket/key.bin', '--cookie', 'a=b', '--dir', join(root, 'dl'), '--data-dir', join(root, 'data')]).exited;
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('steadfast: argument 2: headers: only http(s) downloads take request headers');
      expect(run.stderr).toContain('; nothing was downloaded');
      expect(downloadRows(dbPath)).toEqual([]);
      expect(origin.requests).toEqual([]);
    });

    it('Ctrl-C pauses them all; the same command again resumes each from its partial', async () => {
      const files = { '/one.bin': randomBytesSeeded(8 * MiB, 47), '/two.bin': randomBytesSeeded(8 * MiB, 48) };
      origin = await startFaultOrigin({ '/one.bin': { content: files['/one.bin'] }, '/two.bin': { content: files['/two.bin'] } });
      origin.throttle(4 * MiB);
      root = tempDir();
      const dl = join(root, 'dl');
      const dbPath = join(root, 'data', 'steadfast.db');
      const list = join(root, 'list.txt');
      writeFileSync(list, `${origin.url('/one.bin')}\n${origin.url('/two.bin')}\n`);
      const args = ['get', '-i', list, '--dir', dl, '--data-dir', join(root, 'data'), '--connections', '1', '--json'];
      const first = runCli(args);
      await until(() => origin.bytesSent('/one.bin') > MiB && origin.bytesSent('/two.bin') > MiB);
      first.child.kill('SIGINT');
      const stopped = await first.exited;
      expect(stopped.code).toBe(130);
      expect(lines(stopped.stdout).map((line) => (JSON.parse(line) as { status: string }).status)).toEqual(['paused', 'paused']);
      expect(stopped.stderr.match(/Run the same command again to resume\./g)).toHaveLength(2);
      const kept = new Map(downloadRows(dbPath).map((row) => [row.filename, row]));
      for (const name of ['one.bin', 'two.bin']) {
        expect(kept.get(name)).toMatchObject({ status: 'paused' });
        expect(kept.get(name)!.downloaded_bytes).toBeGreaterThan(0);
        expect(statSync(join(dl, `${name}.partial`)).size).toBe(kept.get(name)!.downloaded_bytes);
      }

      origin.throttle(null);
      const before = origin.requests.length;
      const second = await runCli(args).exited;
      expect(second.code).toBe(0);
      for (const [path, content] of Object.entries(files)) {
        const name = path.slice(1);
        expect(sha256(readFileSync(join(dl, name)))).toBe(sha256(content));
        const resumed = origin.requests.slice(before).filter((r) => r.path === path && r.method === 'GET');
        expect(resumed.map((r) => r.headers.range)).toEqual([`bytes=${kept.get(name)!.downloaded_bytes}-`]);
      }
      // Resumed, not added again.
      expect(downloadRows(dbPath).map((row) => [row.filename, row.status])).toEqual([
        ['one.bin', 'completed'],
        ['two.bin', 'completed'],
      ]);
    });

    it('on a terminal, one line sums them up', async () => {
      origin = await startFaultOrigin({ '/one.bin': { content: randomBytesSeeded(8 * MiB, 49) }, '/two.bin': { content: randomBytesSeeded(8 * MiB, 50) } });
      origin.throttle(2 * MiB);
      root = tempDir();
      const output = await cliOutputOnTerminal(
        ['get', origin.url('/one.bin'), origin.url('/two.bin'), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data'), '--connections', '1'],
        /0 of 2 done · [\d.]+ [KM]B\/s · next: (one|two)\.bin \d+%/,
      );
      // Redrawn in place: no line of its own per download.
      expect(output).not.toMatch(/one\.bin {2}\d+%/);
    });
  });
});
