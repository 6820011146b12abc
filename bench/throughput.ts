// `npm run bench`: Steadfast's CLI next to curl, wget and aria2c on the same files from one
// local origin (nginx with sendfile when installed, else the project's own server), on the same
// machine in the same run. Not a test: numbers vary by machine; ratios to curl are what compare.
//
//   npm run bench -- [--size MiB (1024)] [--runs N (3)] [--throttled-size MiB (64)]
//                    [--throttled-big-size MiB (256)] [--rate MiB/s (20)]
//                    [--cases plain,durable,throttled,throttled-big,limit (all)]
//
// Cases: "plain" (bytes to a file), "durable" (the file fsync'ed before the tool counts as done;
// Steadfast always is), "throttled" (nginx limits each connection, so parallel connections win),
// a bigger throttled file with Steadfast against aria2c's 8 connections alone (long enough that
// how the segments are split and handed over shows), and Steadfast's --speed-limit held for
// about 10 s. "steadfast" is its defaults (up to 8 connections), "steadfast -x1" one connection.
// Runs alternate between tools, and each tool's ratio to curl is the median of paired runs.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytesSeeded, startFaultOrigin } from '../test/support/fault-origin.js';
import { startNginx } from '../test/support/nginx-origin.js';

const MiB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '3' },
    'throttled-size': { type: 'string', default: '64' },
    'throttled-big-size': { type: 'string', default: '256' },
    rate: { type: 'string', default: '20' },
    cases: { type: 'string', default: 'plain,durable,throttled,throttled-big,limit' },
  },
});
const sizeMiB = Number(values.size);
const runs = Number(values.runs);
const throttledMiB = Number(values['throttled-size']);
const throttledBigMiB = Number(values['throttled-big-size']);
const rateMiB = Number(values.rate);
const cases = new Set(values.cases.split(','));
const repo = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'steadfast-bench-'));

const onPath = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

interface Measure {
  code: number;
  wall: number;
  cpu: number;
  rss_kb: number;
}

/** The command's wall time, CPU seconds and peak RSS, from bench/measure.py's getrusage. */
function measure(command: string[]): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [join(repo, 'bench/measure.py'), ...command], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', () => {
      try {
        resolve(JSON.parse(out) as Measure);
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

interface Tool {
  name: string;
  available: boolean;
  /** The command that downloads `url` to `file` (in `dir`, which it may use for state). */
  command(url: string, dir: string, file: string): string[];
  /** Where the tool saves, when it chooses the name itself. */
  output?(url: string, dir: string): string;
}

const steadfast = [process.execPath, join(repo, 'out/cli/cli.cjs')];
const steadfastGet = (url: string, dir: string, ...extra: string[]) => [...steadfast, 'get', url, '--dir', dir, '--data-dir', join(dir, '.state'), ...extra];
const savedByName = (url: string, dir: string) => join(dir, basename(new URL(url).pathname));
const allTools: Tool[] = [
  { name: 'curl', available: onPath('curl'), command: (url, _dir, file) => ['curl', '-sS', '-o', file, url] },
  // Its defaults: up to 8 connections when the server serves ranges.
  { name: 'steadfast', available: true, command: (url, dir) => steadfastGet(url, dir), output: savedByName },
  { name: 'steadfast -x1', available: true, command: (url, dir) => steadfastGet(url, dir, '--connections', '1'), output: savedByName },
  { name: 'wget', available: onPath('wget'), command: (url, _dir, file) => ['wget', '-q', '-O', file, url] },
  {
    name: 'aria2c -x1',
    available: onPath('aria2c'),
    command: (url, dir) => ['aria2c', '-q', '-x1', '-s1', '--allow-overwrite=true', '--file-allocation=none', '-d', dir, '-o', 'bench.bin', url],
  },
  {
    name: 'aria2c -x8 -k1M',
    available: onPath('aria2c'),
    command: (url, dir) => ['aria2c', '-q', '-x8', '-s8', '-k1M', '--allow-overwrite=true', '--file-allocation=none', '-d', dir, '-o', 'bench.bin', url],
  },
];
const tools = allTools.filter((tool) => tool.available);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Row {
  case: string;
  tool: string;
  wall_s: number;
  mib_per_s: number;
  ratio_to_curl: number | null;
  rss_mib: number;
  cpu_s: number;
  sha256_ok: boolean;
}

async function runCase(name: string, url: string, sizeBytes: number, expected: string, durable: boolean, only?: string[]): Promise<Row[]> {
  const chosen = tools.filter((t) => only === undefined || only.includes(t.name));
  const results = new Map<string, Measure[]>(chosen.map((t) => [t.name, []]));
  const verified = new Map<string, boolean>();
  for (let round = 0; round < runs; round++) {
    // Alternate who goes first, so no tool always meets a warm or a cold cache.
    const order = chosen.map((_, i) => chosen[(i + round) % chosen.length]!);
    for (const tool of order) {
      const dir = join(work, `run-${tool.name.replace(/\W+/g, '_')}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const file = tool.output?.(url, dir) ?? join(dir, 'bench.bin');
      const command = tool.command(url, dir, file);
      // "Durable": the bytes are on disk before the clock stops; Steadfast does that itself.
      const full = durable && !tool.name.startsWith('steadfast') ? ['sh', '-c', `"$@" && sync -d ${file}`, 'sh', ...command] : command;
      const result = await measure(full);
      if (result.code !== 0) throw new Error(`${tool.name} failed in case ${name} (exit ${result.code})`);
      results.get(tool.name)!.push(result);
      if (!verified.has(tool.name)) verified.set(tool.name, (await sha256File(file)) === expected);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const curl = results.get('curl');
  return chosen.map((tool) => {
    const measures = results.get(tool.name)!;
    const wall = median(measures.map((m) => m.wall));
    return {
      case: name,
      tool: tool.name,
      wall_s: Number(wall.toFixed(3)),
      mib_per_s: Math.round(sizeBytes / MiB / wall),
      ratio_to_curl: curl ? Number(median(measures.map((m, i) => m.wall / curl[i]!.wall)).toFixed(2)) : null,
      rss_mib: Math.round(Math.max(...measures.map((m) => m.rss_kb)) / 1024),
      cpu_s: Number(median(measures.map((m) => m.cpu)).toFixed(2)),
      sha256_ok: verified.get(tool.name) ?? false,
    };
  });
}

// nginx serves from its own world-readable folder (its workers run as `nobody`), sendfile on,
// and /throttled/ limited per connection like a file host's free tier.
const nginx = onPath('nginx') ? await startNginx({ locations: { '/throttled/': { limitRate: Math.round(rateMiB * MiB) } } }) : null;
const files = nginx?.root ?? join(work, 'files');
mkdirSync(join(files, 'throttled'), { recursive: true });
/** Random bytes written in 64 MiB pieces, so files past Node's 2 GiB buffer limit work too. */
function writeSeededFile(path: string, size: number, seed: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w', 0o644);
  try {
    for (let offset = 0, piece = 0; offset < size; offset += 64 * MiB, piece++) {
      const bytes = randomBytesSeeded(Math.min(64 * MiB, size - offset), seed * 100_000 + piece);
      writeSync(fd, bytes);
      hash.update(bytes);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}
const bigPath = join(files, 'big.bin');
const bigSize = sizeMiB * MiB;
const bigHash = writeSeededFile(bigPath, bigSize, 1);
const smallSize = throttledMiB * MiB;
const throttledBigSize = throttledBigMiB * MiB;
// The throttled files only matter with nginx: no time spent writing them otherwise.
const smallHash = nginx ? writeSeededFile(join(files, 'throttled', 'small.bin'), smallSize, 2) : '';
const throttledBigHash = nginx ? writeSeededFile(join(files, 'throttled', 'big.bin'), throttledBigSize, 3) : '';

/**
 * The speed limit over about 10 s: Steadfast alone with --speed-limit set to a tenth of the file
 * a second. The rate is taken over the transfer (the wall time less the start-up alone), so the
 * start-up does not flatter the result.
 */
async function speedLimitRun(url: string, sizeBytes: number) {
  const limitBytes = Math.floor(sizeBytes / 10 / MiB) * MiB;
  const dir = join(work, 'run-limit');
  mkdirSync(dir);
  const startup = await measure([...steadfast, '--help']);
  const result = await measure(steadfastGet(url, dir, '--speed-limit', String(limitBytes)));
  if (result.code !== 0) throw new Error(`steadfast failed with --speed-limit (exit ${result.code})`);
  const rate = sizeBytes / (result.wall - startup.wall);
  rmSync(dir, { recursive: true, force: true });
  return {
    limit_mib_per_s: limitBytes / MiB,
    wall_s: Number(result.wall.toFixed(2)),
    achieved_mib_per_s: Number((rate / MiB).toFixed(2)),
    over_limit_percent: Number(((rate / limitBytes - 1) * 100).toFixed(2)),
  };
}

// Our own origin serves from memory: without nginx, sizes stay under 2 GiB.
const ownOrigin = nginx === null ? await startFaultOrigin({ '/big.bin': { content: readFileSync(bigPath) } }) : null;
const base = nginx?.base ?? ownOrigin!.url('').replace(/\/$/, '');
const rows: Row[] = [];
let limit: Awaited<ReturnType<typeof speedLimitRun>> | undefined;
try {
  console.log(`origin: ${nginx ? 'nginx (sendfile)' : "Steadfast's test origin (install nginx for the fair origin and the throttled case)"}; ${runs} runs per tool, alternating\n`);
  if (cases.has('plain')) rows.push(...(await runCase(`plain ${sizeMiB} MiB`, `${base}/big.bin`, bigSize, bigHash, false)));
  if (cases.has('durable')) rows.push(...(await runCase(`durable ${sizeMiB} MiB`, `${base}/big.bin`, bigSize, bigHash, true)));
  if (nginx && cases.has('throttled')) {
    rows.push(...(await runCase(`throttled ${throttledMiB} MiB at ${rateMiB} MiB/s per connection`, `${base}/throttled/small.bin`, smallSize, smallHash, false, ['curl', 'steadfast', 'aria2c -x8 -k1M'])));
  }
  if (nginx && cases.has('throttled-big')) {
    rows.push(
      ...(await runCase(`throttled ${throttledBigMiB} MiB at ${rateMiB} MiB/s per connection`, `${base}/throttled/big.bin`, throttledBigSize, throttledBigHash, false, ['steadfast', 'aria2c -x8 -k1M'])),
    );
  }
  if (cases.has('limit')) limit = await speedLimitRun(`${base}/big.bin`, bigSize);
} finally {
  await nginx?.close();
  await ownOrigin?.close();
}

const table = [
  '| case | tool | wall (s) | MiB/s | × curl | peak RSS (MiB) | CPU (s) | sha256 |',
  '|---|---|---:|---:|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.case} | ${r.tool} | ${r.wall_s} | ${r.mib_per_s} | ${r.ratio_to_curl ?? '–'} | ${r.rss_mib} | ${r.cpu_s} | ${r.sha256_ok ? 'ok' : 'MISMATCH'} |`),
].join('\n');
console.log(table);
if (limit !== undefined) {
  console.log(
    `\nspeed limit ${limit.limit_mib_per_s} MiB/s (${sizeMiB} MiB in about 10 s): ` +
      `${limit.achieved_mib_per_s} MiB/s over the transfer, ${limit.over_limit_percent} % over the limit (${limit.wall_s} s wall)`,
  );
}
const startup = await measure([...steadfast, '--help']);
console.log(`\nsteadfast start-up alone (--help): ${startup.wall.toFixed(2)} s`);
mkdirSync(join(repo, 'bench/.work'), { recursive: true });
const jsonPath = join(repo, 'bench/.work/results.json');
writeFileSync(jsonPath, JSON.stringify({ date: new Date().toISOString(), sizeMiB, runs, origin: nginx ? 'nginx' : 'own', rows, speed_limit: limit ?? null, startup_s: startup.wall }, null, 2));
console.log(`JSON: ${jsonPath}`);
rmSync(work, { recursive: true, force: true });
