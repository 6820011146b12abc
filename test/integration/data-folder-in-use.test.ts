/**
 * Real processes on one data folder (ARCHITECTURE.md §6 "One process per data folder"): while
 * `steadfast serve` runs, `steadfast get` on its folder is refused before it touches anything;
 * after a clean stop, or a SIGKILL, the folder is free again.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { LOCK_FILE } from '../../src-main/store/data-folder-lock.js';
import { runCli } from '../support/cli-process.js';
import { tempDir } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { type ServeProcess, startServeProcess } from '../support/serve-process.js';

const TOKEN = 'data-folder-lock-token-0123456789';

describe('one Steadfast per data folder', () => {
  let origin: FaultOrigin | undefined;
  let server: ServeProcess | undefined;
  let root: string;
  afterEach(async () => {
    server?.run.child.kill('SIGKILL');
    await server?.run.exited;
    await origin?.close();
    server = undefined;
    origin = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('`get` on the folder `serve` has is refused untouched; after serve stops it downloads', async () => {
    const content = randomBytesSeeded(64 * 1024, 901);
    origin = await startFaultOrigin({ '/f.bin': { content } });
    root = tempDir();
    server = await startServeProcess(root, TOKEN);
    const get = ['get', origin.url('/f.bin'), '--dir', join(root, 'dl'), '--data-dir', join(root, 'data')];

    const refused = await runCli(get).exited;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `steadfast: The data folder ${join(root, 'data')} is in use by another Steadfast (steadfast serve, process ${server.run.child.pid}, since `,
    );
    expect(origin.requests.length).toBe(0);
    expect(existsSync(join(root, 'dl', 'f.bin'))).toBe(false);
    // The server's list has no download from the refused command.
    expect(((await server.api.get('/api/downloads')).json as { downloads: DownloadSnapshot[] }).downloads).toEqual([]);

    server.run.child.kill('SIGTERM');
    expect((await server.run.exited).code).toBe(0);
    server = undefined;
    expect(readdirSync(join(root, 'data'))).not.toContain(LOCK_FILE);
    const done = await runCli(get).exited;
    expect(done.code).toBe(0);
    expect(readFileSync(join(root, 'dl', 'f.bin')).equals(content)).toBe(true);
  });

  it('a server killed with SIGKILL leaves its lock; the next start takes it over', async () => {
    root = tempDir();
    // Held in `server` until killed, so a failed expectation still leaves no process behind.
    server = await startServeProcess(root, TOKEN);
    const killed = server;
    const lockPath = join(root, 'data', LOCK_FILE);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: killed.run.child.pid, role: 'steadfast serve' });
    killed.run.child.kill('SIGKILL');
    await killed.run.exited;
    server = undefined;
    expect(existsSync(lockPath)).toBe(true);

    server = await startServeProcess(root, TOKEN);
    expect(JSON.parse(readFileSync(lockPath, 'utf8'))).toMatchObject({ pid: server.run.child.pid });
    expect((await server.api.get('/api/downloads')).status).toBe(200);
  });
});
