import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { apiClient } from '../support/api-client.js';
import { cliOutputOnTerminal, runCli } from '../support/cli-process.js';
import { type ServeProcess, startServeProcess } from '../support/serve-process.js';
import { tempDir } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { startNginx } from '../support/nginx-origin.js';
import { startTinyproxy } from '../support/tinyproxy.js';

const MiB = 1024 * 1024;
const TOKEN = 'process-test-token-0123456789';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const modeOf = (path: string) => statSync(path).mode & 0o777;
/** What every user of this machine can read about a process: its arguments. */
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');

/** `steadfast serve` on the test's folders, printing the address a user opens. */
async function startServer(root: string) {
  const server = await startServeProcess(root, TOKEN);
  // A token passed in is the operator's: not printed off a terminal either.
  expect(server.output).toContain('/#token=<token>');
  expect(server.output).not.toContain(TOKEN);
  return server;
}

describe('steadfast serve as a process', () => {
  let origin: FaultOrigin;
  let root: string;
  afterEach(async () => {
    await origin?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('SIGTERM mid-download checkpoints it; the next start resumes and completes byte-identical', async () => {
    const size = 12 * MiB;
    const content = randomBytesSeeded(size, 81);
    origin = await startFaultOrigin({ '/big.bin': { content } });
    origin.throttle(4 * MiB);
    root = tempDir();

    const first = await startServer(root);
    // This test follows one connection's durable offset; segments have their own test.
    await first.api.patch('/api/settings', { connections: 1 });
    const { id } = (await first.api.post('/api/downloads/start', { url: origin.url('/big.bin') })).json as DownloadSnapshot;
    for (let i = 0; i < 400 && origin.bytesSent('/big.bin') < 3 * MiB; i++) await sleep(25);
    first.run.child.kill('SIGTERM');
    const stopped = await first.run.exited;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('Stopping: checkpointing active downloads');

    const db = new Database(join(root, 'data', 'steadfast.db'), { readonly: true });
    const row = db.prepare('SELECT status, downloaded_bytes FROM downloads WHERE id = ?').get(id) as { status: string; downloaded_bytes: number };
    db.close();
    expect(row.status).toBe('queued');
    expect(row.downloaded_bytes).toBeGreaterThanOrEqual(3 * MiB - MiB);
    expect(statSync(join(root, 'dl', 'big.bin.partial')).size).toBe(row.downloaded_bytes);

    origin.throttle(null);
    const second = await startServer(root);
    try {
      let snapshot: DownloadSnapshot | undefined;
      for (let i = 0; i < 400; i++) {
        snapshot = (await second.api.get(`/api/downloads/${id}`)).json as DownloadSnapshot;
        if (snapshot.status === 'completed') break;
        await sleep(25);
      }
      expect(snapshot?.status).toBe('completed');
      expect(snapshot?.failed_count).toBe(0);
      expect(sha256(readFileSync(join(root, 'dl', 'big.bin')))).toBe(sha256(content));
      expect(origin.requests.at(-1)!.headers.range).toBe(`bytes=${row.downloaded_bytes}-`);
    } finally {
      second.run.child.kill('SIGINT');
      expect((await second.run.exited).code).toBe(0);
    }
  });

  it('keeps a generated token in the data folder with mode 0600, prints it only to a terminal, and --new-token replaces it', async () => {
    root = tempDir();
    const data = join(root, 'data');
    const logged = await startServeProcess(root, '', { passing: 'none' });
    const token = readFileSync(join(data, 'token'), 'utf8').trim();
    try {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(statSync(join(data, 'token')).mode & 0o777).toBe(0o600);
      // stdout is a pipe here, as under systemd or in a container: the log never holds the token.
      expect(logged.output).toContain('/#token=<token>');
      expect(logged.output).toContain(`  Token: in ${join(data, 'token')} (printed only on a terminal, to keep it out of logs)\n`);
      expect(logged.output).not.toContain(token);
      expect((await apiClient(logged.port, token).get('/api/downloads')).status).toBe(200);
    } finally {
      logged.run.child.kill('SIGTERM');
    }
    expect((await logged.run.exited).code).toBe(0);

    // On a terminal (a pseudo-terminal from util-linux's `script`), the address to open carries it.
    const onTerminal = await cliOutputOnTerminal(['serve', '--port', '0', '--data-dir', data], /Saves only inside/);
    expect(onTerminal).toContain(`/#token=${token}`);
    expect(onTerminal).toContain(`Authorization: Bearer ${token}`);

    const renewed = await startServeProcess(root, '', { passing: 'none', args: ['--new-token'] });
    try {
      const fresh = readFileSync(join(data, 'token'), 'utf8').trim();
      expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(fresh).not.toBe(token);
      expect(statSync(join(data, 'token')).mode & 0o777).toBe(0o600);
      expect((await apiClient(renewed.port, token).get('/api/downloads')).status).toBe(401);
      expect((await apiClient(renewed.port, fresh).get('/api/downloads')).status).toBe(200);
    } finally {
      renewed.run.child.kill('SIGTERM');
    }
    expect((await renewed.run.exited).code).toBe(0);
  });

  it('saves only inside --allowed-dirs; by default, the download folder alone (not the home folder)', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content: randomBytesSeeded(1024, 82) } });
    root = tempDir();
    const home = join(root, 'home');
    mkdirSync(home);
    const start = (dest_dir: string | undefined, server: ServeProcess) =>
      server.api.post('/api/downloads/start', { url: origin.url('/f.bin'), ...(dest_dir === undefined ? {} : { dest_dir }) });
    const stop = async (server: ServeProcess) => {
      server.run.child.kill('SIGTERM');
      expect((await server.run.exited).code).toBe(0);
    };

    const defaults = await startServeProcess(root, TOKEN, { env: { HOME: home } });
    try {
      expect(defaults.output).toContain(`Saves only inside: ${join(root, 'dl')}\n`);
      expect((await start(join(root, 'dl', 'films'), defaults)).status).toBe(201);
      expect((await start(undefined, defaults)).status).toBe(201);
      // A login item in the home folder is what a token holder could plant were it allowed.
      for (const dest_dir of [join(home, '.config', 'autostart'), home, join(root, 'elsewhere')]) {
        const refused = await start(dest_dir, defaults);
        expect([refused.status, (refused.json as { error: { message: string } }).error.message]).toEqual([
          403,
          `dest_dir "${dest_dir}" is outside the allowed folders (symlinks followed); this server saves only inside the folders given to --allowed-dirs at start`,
        ]);
      }
      expect(existsSync(join(home, '.config'))).toBe(false);
    } finally {
      await stop(defaults);
    }

    const only = await startServeProcess(root, TOKEN, { args: ['--allowed-dirs', join(root, 'only')], env: { HOME: home } });
    try {
      expect(only.output).toContain(`Saves only inside: ${join(root, 'only')}\n`);
      expect((await start(join(root, 'only', 'x'), only)).status).toBe(201);
      for (const dest_dir of [undefined, home]) {
        const refused = await start(dest_dir, only);
        expect([refused.status, (refused.json as { error: { code: string } }).error.code]).toEqual([403, 'FORBIDDEN']);
      }
      // Not a setting: the API cannot widen it.
      expect((await only.api.patch('/api/settings', { allowed_dirs: ['/'] })).status).toBe(400);
    } finally {
      await stop(only);
    }
  });

  it('--proxy sends every download through that proxy (a host that admits only tinyproxy), and the API cannot change it', async () => {
    const content = randomBytesSeeded(4 * MiB, 83);
    const nginx = await startNginx({ files: { '/inside/f.bin': content }, locations: { '/inside/': { requireVia: 'tinyproxy' } } });
    const proxy = await startTinyproxy();
    root = tempDir();
    const server = await startServeProcess(root, TOKEN, { args: ['--proxy', proxy.url] });
    try {
      expect((await server.api.get('/api/settings')).json).toMatchObject({ proxy: proxy.url });
      const refused = await server.api.patch('/api/settings', { proxy: 'none' });
      expect([refused.status, (refused.json as { error: { code: string } }).error.code]).toEqual([403, 'FORBIDDEN']);
      const started = await server.api.post('/api/downloads/start', { url: nginx.url('/inside/f.bin') });
      const { id } = started.json as DownloadSnapshot;
      let done: DownloadSnapshot | undefined;
      for (let i = 0; i < 400 && done?.status !== 'completed' && done?.status !== 'failed'; i++) {
        await sleep(25);
        done = (await server.api.get(`/api/downloads/${id}`)).json as DownloadSnapshot;
      }
      expect([done?.status, done?.error_code]).toEqual(['completed', null]);
      expect(sha256(readFileSync(join(root, 'dl', 'f.bin')))).toBe(sha256(content));
      const served = nginx.requests().filter((r) => r.path === '/inside/f.bin');
      expect(served.length).toBeGreaterThan(0);
      expect(served.map((r) => r.status).filter((status) => status !== 200 && status !== 206)).toEqual([]);
      expect(proxy.requests().filter((r) => r.target === nginx.url('/inside/f.bin'))).toHaveLength(served.length);
    } finally {
      server.run.child.kill('SIGTERM');
      await server.run.exited;
      await proxy.close();
      await nginx.close();
    }
  });

  it('makes its data folder 0700 and its database, -wal and -shm 0600, and tightens those an older version left open', async () => {
    root = tempDir();
    const data = join(root, 'data');
    const first = await startServer(root);
    expect(modeOf(data)).toBe(0o700);
    for (const name of ['steadfast.db', 'steadfast.db-wal', 'steadfast.db-shm']) expect(modeOf(join(data, name)), name).toBe(0o600);
    first.run.child.kill('SIGTERM');
    expect((await first.run.exited).code).toBe(0);

    // As an older version left them: the folder 0755, the database and the token 0644.
    chmodSync(data, 0o755);
    chmodSync(join(data, 'steadfast.db'), 0o644);
    writeFileSync(join(data, 'token'), 'older-token-0123456789abcdef\n', { mode: 0o644 });
    const second = await startServer(root);
    expect(modeOf(data)).toBe(0o700);
    for (const name of ['steadfast.db', 'steadfast.db-wal', 'steadfast.db-shm', 'token']) expect(modeOf(join(data, name)), name).toBe(0o600);
    second.run.child.kill('SIGTERM');
    const { code, stderr } = await second.run.exited;
    expect(code).toBe(0);
    expect(stderr).toContain(`steadfast: ${data} was open to other users (mode 0755); it is now 0700\n`);
    expect(stderr).toContain(`steadfast: ${join(data, 'steadfast.db')} was open to other users (mode 0644); it is now 0600\n`);
    expect(stderr).toContain(`steadfast: ${join(data, 'token')} was open to other users (mode 0644); it is now 0600\n`);
  });

  it('--token-file: serves with the token from the file, which the process list never shows; a file others may read is refused before anything opens', async () => {
    root = tempDir();
    const server = await startServeProcess(root, TOKEN, { passing: 'file' });
    try {
      expect(server.output).toContain(`  Token: in ${join(root, 'token.secret')} (printed only on a terminal, to keep it out of logs)\n`);
      expect(server.output).not.toContain(TOKEN);
      expect((await server.api.get('/api/downloads')).status).toBe(200);
      expect(commandLine(server.run.child.pid!)).toContain('--token-file');
      expect(commandLine(server.run.child.pid!)).not.toContain(TOKEN);
    } finally {
      server.run.child.kill('SIGTERM');
    }
    const { code, stderr } = await server.run.exited;
    expect(code).toBe(0);
    expect(stderr).not.toContain('warning');

    const loose = join(root, 'loose.secret');
    writeFileSync(loose, `${TOKEN}\n`, { mode: 0o644 });
    chmodSync(loose, 0o644);
    const refused = await runCli(['serve', '--port', '0', '--data-dir', join(root, 'other-data'), '--token-file', loose]).exited;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `steadfast: The token file ${loose} is open to other users (mode 0644), so its token is no secret. ` +
        `Make it the owner's alone (chmod 600 ${loose}) and start again.\n`,
    );
    expect(existsSync(join(root, 'other-data'))).toBe(false);
  });

  it('--token still works, and warns that every user sees it in the process list; STEADFAST_TOKEN does not warn', async () => {
    root = tempDir();
    const flagged = await startServeProcess(root, TOKEN, { passing: 'flag' });
    try {
      expect((await flagged.api.get('/api/downloads')).status).toBe(200);
      // Why the warning: anyone on the machine reads it here.
      expect(commandLine(flagged.run.child.pid!)).toContain(TOKEN);
    } finally {
      flagged.run.child.kill('SIGTERM');
    }
    const flaggedExit = await flagged.run.exited;
    expect(flaggedExit.code).toBe(0);
    expect(flaggedExit.stderr).toContain(
      'steadfast: warning: --token shows the token to every user of this machine in the process list (ps, /proc/PID/cmdline); ' +
        'pass it in STEADFAST_TOKEN or with --token-file PATH instead\n',
    );

    const fromEnv = await startServeProcess(root, TOKEN, { passing: 'env' });
    try {
      expect((await fromEnv.api.get('/api/downloads')).status).toBe(200);
      expect(commandLine(fromEnv.run.child.pid!)).not.toContain(TOKEN);
    } finally {
      fromEnv.run.child.kill('SIGTERM');
    }
    expect((await fromEnv.run.exited).stderr).not.toContain('warning');
  });
});
