import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process exits: its code (null when killed), signal and output. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs `steadfast <args>` as a real child process, the way a user's shell would; `stdin` is piped to it. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', ...args], {
    cwd: repo,
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    // Never let the AWS SDK look for credentials on the network (instance metadata).
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

const shellQuoted = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `steadfast <args>` on a pseudo-terminal (util-linux's `script`), as from a user's
 * terminal, until its output matches `until`; then stops it with SIGTERM and returns what it printed.
 */
export async function cliOutputOnTerminal(args: string[], until: RegExp, timeoutMs = 20_000): Promise<string> {
  const command = [process.execPath, '--import', 'tsx', 'src-main/cli.ts', ...args].map(shellQuoted).join(' ');
  // Its own process group, so the stop reaches `script` and the CLI under it together.
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  let output = '';
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const matched = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no match for ${until} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void closed.then(() => reject(new Error(`exited before printing ${until}:\n${output}`)));
  });
  try {
    await matched;
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await closed;
    // `script` may end before the CLI under it has finished stopping (and released its data
    // folder): wait until no process of the group is left.
    await groupGone(child.pid!, timeoutMs);
  }
  return output;
}

/** Whether a process of the group still runs: a zombie (finished, not yet reaped) does not count. */
function groupRunning(group: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // Fields after the name (which may hold spaces): state, ppid, pgrp.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') return true;
  }
  return false;
}

async function groupGone(group: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupRunning(group)) {
    if (Date.now() > deadline) throw new Error(`processes of group ${group} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
