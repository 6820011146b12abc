import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The file that says which process has the data folder (ARCHITECTURE.md §6 "One process per data folder"). */
export const LOCK_FILE = 'steadfast.lock';

/** Who holds a data folder: enough to tell whether that process still runs, and to name it. */
export interface LockOwner {
  pid: number;
  host: string;
  /** Which Steadfast: "steadfast serve", "steadfast get", "the desktop app". */
  role: string;
  /** When it took the folder (ISO time). */
  since: string;
  /**
   * What tells this process apart from a later one given the same pid: the boot and the start
   * time in clock ticks (Linux); null where the system does not say.
   */
  incarnation: string | null;
}

/** Another Steadfast that is still running has this data folder. */
export class DataFolderInUseError extends Error {
  readonly code = 'DATA_FOLDER_IN_USE';

  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
    lockPath: string,
  ) {
    const elsewhere = owner.host !== hostname();
    super(
      `The data folder ${dir} is in use by another Steadfast (${owner.role}, process ${owner.pid}` +
        `${elsewhere ? ` on ${owner.host}` : ''}, since ${owner.since}). Two of them on one folder would ` +
        `work on the same downloads and files, so this one did not start. Stop the other one, or give ` +
        `this one a folder of its own (--data-dir or STEADFAST_DATA_DIR).` +
        (elsewhere ? ` If no Steadfast runs on ${owner.host}, delete ${lockPath}.` : ''),
    );
    this.name = 'DataFolderInUseError';
  }
}

/** A held data folder; `release` gives it up (also done when the process exits). */
export interface DataFolderLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the data folder for this process, or throws DataFolderInUseError naming the process
 * that has it. Operating-system file locks are not relied on (some systems, network folders
 * among them, do not keep them): the lock is a file created atomically with its contents, and
 * one whose process is gone (a crash, a SIGKILL, a power cut) is taken over. Two processes that
 * both find the same dead owner's file in the same instant may both take it; nothing else does.
 */
export function lockDataFolder(dir: string, role: string): DataFolderLock {
  const path = join(dir, LOCK_FILE);
  const mine: LockOwner = { pid: process.pid, host: hostname(), role, since: new Date().toISOString(), incarnation: incarnationOf(process.pid) };
  for (let tries = 0; tries < 3; tries++) {
    if (createWith(path, mine)) return held(path, mine);
    const owner = readOwner(path);
    if (owner !== null && isRunning(owner)) throw new DataFolderInUseError(dir, owner, path);
    removeQuietly(path);
  }
  // Others kept taking it between our look and our try: they are running.
  const owner = readOwner(path);
  if (owner !== null) throw new DataFolderInUseError(dir, owner, path);
  throw new Error(`Steadfast could not take its data folder ${dir}: ${path} keeps changing`);
}

/**
 * Creates the lock file with its contents in one step (a hard link of a finished temporary
 * file), so no one ever reads it half written. False when it exists.
 */
function createWith(path: string, owner: LockOwner): boolean {
  const draft = `${path}.${owner.pid}`;
  writeFileSync(draft, JSON.stringify(owner), { mode: 0o600 });
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // A file system without hard links: an exclusive create, written at once, is nearly as good.
    try {
      writeFileSync(path, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallback;
    }
  } finally {
    removeQuietly(draft);
  }
}

function held(path: string, mine: LockOwner): DataFolderLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own: had a stale-lock race handed it to another process, that one keeps it.
    const owner = readOwner(path);
    if (owner !== null && owner.pid === mine.pid && owner.since === mine.since) removeQuietly(path);
  };
  process.on('exit', release);
  return { path, release };
}

/** The lock file's owner; null when it is gone or unreadable (a half-written file from an older crash). */
function readOwner(path: string): LockOwner | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.role !== 'string' || typeof value.since !== 'string') return null;
    return { pid: value.pid, host: value.host, role: value.role, since: value.since, incarnation: typeof value.incarnation === 'string' ? value.incarnation : null };
  } catch {
    return null;
  }
}

/**
 * Whether the owner still runs. One on another machine (a shared folder) cannot be asked, so
 * it is taken to run. Here: its pid must exist and, where the system says, be the same process
 * and not a later one given the same number.
 */
function isRunning(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists, run by another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.incarnation === null) return true;
  // A zombie (killed, not yet reaped by its parent) holds its pid but runs nothing.
  const now = procStat(owner.pid);
  return now !== null && now.state !== 'Z' && now.incarnation === owner.incarnation;
}

/** Linux's boot id and the process's start time in clock ticks; null elsewhere. */
function incarnationOf(pid: number): string | null {
  return procStat(pid)?.incarnation ?? null;
}

/** What Linux's /proc says of a process: its state letter and its incarnation; null elsewhere or when it is gone. */
function procStat(pid: number): { state: string; incarnation: string } | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name in parentheses may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, started] = [fields[0], fields[19]];
    return state === undefined || started === undefined ? null : { state, incarnation: `${boot}:${started}` };
  } catch {
    return null;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
