/**
 * One process per data folder (ARCHITECTURE.md §6): the lock file names its owner, a running
 * owner keeps it, and one that is gone — or whose pid now belongs to another process — does not.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFolderInUseError, LOCK_FILE, type LockOwner, lockDataFolder } from '../../src-main/store/data-folder-lock.js';
import { tempDir } from '../support/engine-harness.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const ownerOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockOwner;
const plant = (dir: string, owner: Partial<LockOwner>) =>
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), role: 'steadfast serve', since: '2026-01-01T00:00:00.000Z', incarnation: null, ...owner }));

/** The pid of a process that has ended. */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function refusal(dir: string): DataFolderInUseError {
  try {
    lockDataFolder(dir, 'steadfast get').release();
  } catch (error) {
    if (error instanceof DataFolderInUseError) return error;
    throw error;
  }
  throw new Error('the folder was taken');
}

describe('the data folder lock', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a held folder is refused with its owner named; once released it can be taken, and nothing is left behind', () => {
    dir = tempDir();
    const lock = lockDataFolder(dir, 'steadfast serve');
    expect(ownerOf(dir)).toMatchObject({ pid: process.pid, host: hostname(), role: 'steadfast serve' });
    expect(statSync(lock.path).mode & 0o777).toBe(0o600);

    const error = refusal(dir);
    expect(error.code).toBe('DATA_FOLDER_IN_USE');
    expect(error.message).toContain(`The data folder ${dir} is in use by another Steadfast (steadfast serve, process ${process.pid}, since `);
    expect(error.message).toContain('--data-dir or STEADFAST_DATA_DIR');
    // Still the first owner's.
    expect(ownerOf(dir).role).toBe('steadfast serve');

    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    const again = lockDataFolder(dir, 'steadfast get');
    expect(ownerOf(dir).role).toBe('steadfast get');
    again.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a lock left by a process that has ended is taken over', () => {
    dir = tempDir();
    const gone = endedPid();
    plant(dir, { pid: gone });
    const lock = lockDataFolder(dir, 'steadfast get');
    expect(ownerOf(dir)).toMatchObject({ pid: process.pid, role: 'steadfast get' });
    lock.release();
  });

  it.runIf(process.platform === 'linux')('a lock whose pid now belongs to another process is taken over; the same process keeps it', () => {
    dir = tempDir();
    // Our own pid, as if recorded before a reboot or by an earlier process given the same number.
    plant(dir, { incarnation: 'another-boot:12345' });
    const lock = lockDataFolder(dir, 'steadfast get');
    const mine = ownerOf(dir);
    expect(mine.incarnation).toMatch(/^[0-9a-f-]+:\d+$/);
    lock.release();

    plant(dir, { incarnation: mine.incarnation });
    expect(refusal(dir).owner.incarnation).toBe(mine.incarnation);
  });

  it.runIf(process.platform === 'linux')('a lock whose process is a zombie (killed, not yet reaped) is taken over', async () => {
    dir = tempDir();
    // The background sleep ends first; its parent, exec'ed into another sleep, never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
      const stat = () => {
        const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return text.slice(text.lastIndexOf(')') + 2).split(' ');
      };
      const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      const incarnation = `${boot}:${stat()[19]}`;
      for (let i = 0; i < 100 && stat()[0] !== 'Z'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stat()[0]).toBe('Z');
      plant(dir, { pid, incarnation });
      const lock = lockDataFolder(dir, 'steadfast get');
      expect(ownerOf(dir).pid).toBe(process.pid);
      lock.release();
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('a half-written or unreadable lock (a crash while an older version wrote it) is taken over', () => {
    dir = tempDir();
    for (const text of ['', '{"pid":', '[]', '{"pid":"12"}']) {
      writeFileSync(join(dir, LOCK_FILE), text);
      const lock = lockDataFolder(dir, 'steadfast get');
      expect(ownerOf(dir).pid, JSON.stringify(text)).toBe(process.pid);
      lock.release();
    }
  });

  it('a lock from another machine (a shared folder) is refused, and says how to clear it', () => {
    dir = tempDir();
    plant(dir, { host: 'laptop-elsewhere', pid: endedPid() });
    const error = refusal(dir);
    expect(error.message).toContain('on laptop-elsewhere');
    expect(error.message).toContain(`If no Steadfast runs on laptop-elsewhere, delete ${join(dir, LOCK_FILE)}.`);
  });

  it('release leaves a lock that is no longer ours', () => {
    dir = tempDir();
    const lock = lockDataFolder(dir, 'steadfast serve');
    plant(dir, { pid: endedPid(), role: 'the desktop app' });
    lock.release();
    expect(ownerOf(dir).role).toBe('the desktop app');
  });

  it('a process that exits without releasing leaves no lock behind', () => {
    dir = tempDir();
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', `import('./src-main/store/data-folder-lock.ts').then((m) => { m.lockDataFolder(${JSON.stringify(dir)}, 'steadfast get'); process.stdout.write('held'); })`],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(child.stdout).toBe('held');
    expect(readdirSync(dir)).toEqual([]);
  });
});
