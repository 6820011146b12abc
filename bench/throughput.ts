// `npm run bench`: Steadfast's CLI next to curl and aria2c, downloading one file from a local
// origin on 127.0.0.1, on the same machine in the same run. Not a test: numbers vary by machine.
//   npm run bench -- [size in MiB, default 1024] [runs, default 3]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { randomBytesSeeded, startFaultOrigin } from '../test/support/fault-origin.js';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);
const runs = Number(process.argv[3] ?? 3);
const repo = fileURLToPath(new URL('..', import.meta.url));

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

const onPath = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

interface Tool {
  name: string;
  command(url: string, dir: string): [string, string[]];
}

const candidates: Tool[] = [
  {
    name: 'steadfast get',
    command: (url, dir) => [process.execPath, [join(repo, 'out/cli/cli.js'), 'get', url, '--dir', dir, '--data-dir', dir]],
  },
  { name: 'curl', command: (url, dir) => ['curl', ['-sS', '-o', join(dir, 'bench.bin'), url]] },
  {
    name: 'aria2c (1 connection)',
    command: (url, dir) => ['aria2c', ['-q', '-x1', '-s1', '--allow-overwrite=true', '--file-allocation=none', '-d', dir, '-o', 'bench.bin', url]],
  },
];
const tools = candidates.filter((tool) => tool.name === 'steadfast get' || onPath(tool.command('', '')[0]));

// The CLI's fixed cost (Node + tsx start-up, opening the database), shown apart from throughput.
const startup = process.hrtime.bigint();
spawnSync(process.execPath, [join(repo, 'out/cli/cli.js'), '--help']);
const startupSeconds = Number(process.hrtime.bigint() - startup) / 1e9;

const content = randomBytesSeeded(sizeMiB * MiB, 1);
const expected = createHash('sha256').update(content).digest('hex');
const origin = await startFaultOrigin({ '/bench.bin': { content } });
const url = origin.url('/bench.bin');
console.log(`${sizeMiB} MiB from ${url}, ${runs} runs each, median shown\n`);
console.log('tool                    seconds    MiB/s   sha256');

for (const tool of tools) {
  const times: number[] = [];
  let verified = true;
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'steadfast-bench-'));
    try {
      const [cmd, args] = tool.command(url, dir);
      const started = process.hrtime.bigint();
      // Async spawn: the origin lives in this process and must keep serving meanwhile.
      let stderr = '';
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', resolve);
      });
      times.push(Number(process.hrtime.bigint() - started) / 1e9);
      if (code !== 0) throw new Error(`${tool.name} exited with ${code}: ${stderr}`);
      verified &&= (await sha256File(join(dir, 'bench.bin'))) === expected;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  console.log(
    `${tool.name.padEnd(22)} ${median.toFixed(2).padStart(8)} ${(sizeMiB / median).toFixed(0).padStart(8)}   ${verified ? 'ok' : 'MISMATCH'}`,
  );
}
console.log(`\nsteadfast start-up alone (--help): ${startupSeconds.toFixed(2)} s`);
await origin.close();
