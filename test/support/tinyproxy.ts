/**
 * A real HTTP proxy for the proxy tests: Debian's tinyproxy, in the foreground (`-d`) from a
 * config of its own in a fresh temp dir, listening on 127.0.0.1 only and admitting only
 * 127.0.0.1. Its log (LogLevel Connect) holds one "Request" line per request it was asked to
 * proxy, CONNECT tunnels included: that is how a test proves a download went through it, or
 * that it saw nothing.
 *
 * tinyproxy adds `Via: 1.1 tinyproxy (…)` to the requests it forwards (plain http:// only: a
 * CONNECT tunnel carries TLS it cannot touch). With `BasicAuth`, a request without credentials
 * gets 407 and one with the wrong password 401.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, acceptsConnections } from './local-ports.js';

export interface TinyproxyOptions {
  /** Require this user and password (tinyproxy's BasicAuth). */
  basicAuth?: { user: string; password: string };
}

/** One request the proxy was asked to make: `GET http://127.0.0.1:1234/file.bin`, `CONNECT 127.0.0.1:4321`. */
export interface ProxiedRequest {
  method: string;
  target: string;
}

export interface Tinyproxy {
  port: number;
  /** 127.0.0.1:port */
  host: string;
  /** http://127.0.0.1:port, without credentials. */
  url: string;
  /** Every request logged so far, in order. */
  requests(): ProxiedRequest[];
  /** Stops tinyproxy and removes its temp dir. */
  close(): Promise<void>;
}

/** Proxies still running, stopped if the test process exits without close(). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

function findTinyproxy(): string {
  const found = spawnSync('sh', ['-c', 'command -v tinyproxy'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  for (const path of ['/usr/bin/tinyproxy', '/usr/sbin/tinyproxy']) if (existsSync(path)) return path;
  throw new Error('tinyproxy is not installed: the proxy tests run a real one. .ci/run installs it (apt-get install tinyproxy).');
}

const REQUEST_LINE = /Request \(file descriptor \d+\): (\S+) (\S+) HTTP\//;

export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const binary = findTinyproxy();
  const dir = mkdtempSync(join(tmpdir(), 'steadfast-tinyproxy-'));
  const log = join(dir, 'tinyproxy.log');
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${log}"`,
    // Connect level logs each request line, CONNECT included.
    'LogLevel Connect',
    'MaxClients 64',
    'Allow 127.0.0.1',
    // No ConnectPort line: CONNECT may reach any port (the test origins' are random).
    ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
  ];
  writeFileSync(join(dir, 'tinyproxy.conf'), `${config.join('\n')}\n`);
  const child = spawn(binary, ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    running.delete(child);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let tries = 0; !(await acceptsConnections(port)); tries += 1) {
    if (child.exitCode !== null || tries > 100) {
      await stop();
      throw new Error(`tinyproxy did not start on port ${port}: ${stderr.trim()}`);
    }
    await sleep(50);
  }
  return {
    port,
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests() {
      if (!existsSync(log)) return [];
      return readFileSync(log, 'utf8')
        .split('\n')
        .map((line) => REQUEST_LINE.exec(line))
        .filter((match) => match !== null)
        .map((match) => ({ method: match[1]!, target: match[2]! }));
    },
    close: stop,
  };
}
