import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiClient } from './api-client.js';
import { type CliRun, runCli } from './cli-process.js';

export interface ServeProcess {
  run: CliRun;
  port: number;
  /** Everything the process printed on stdout until it listened. */
  output: string;
  api: ReturnType<typeof apiClient>;
}

/**
 * How the token reaches the process: STEADFAST_TOKEN (as the README advises), `--token`,
 * `--token-file` (a file `<root>/token.secret`, mode 0600), or not at all (`none`: the one the
 * data folder keeps, generated at first start).
 */
export type TokenPassing = 'env' | 'flag' | 'file' | 'none';

/**
 * `steadfast serve` as a real process on a free port, with its database in `<root>/data` and
 * downloads in `<root>/dl`, plus `extra` arguments and environment; resolves once it has printed
 * where it listens.
 */
export async function startServeProcess(
  root: string,
  token: string,
  extra: { passing?: TokenPassing; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<ServeProcess> {
  const passing = extra.passing ?? 'env';
  const args = ['serve', '--port', '0', '--data-dir', join(root, 'data'), '--download-dir', join(root, 'dl')];
  if (passing === 'flag') args.push('--token', token);
  if (passing === 'file') {
    writeFileSync(join(root, 'token.secret'), `${token}\n`, { mode: 0o600 });
    args.push('--token-file', join(root, 'token.secret'));
  }
  const run = runCli([...args, ...(extra.args ?? [])], { ...(passing === 'env' ? { STEADFAST_TOKEN: token } : {}), ...extra.env });
  let output = '';
  let errors = '';
  run.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  run.child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const address = /API: https?:\/\/127\.0\.0\.1:(\d+)/;
  for (let i = 0; i < 800 && !address.test(output); i++) {
    if (run.child.exitCode !== null) break;
    await sleep(25);
  }
  const port = Number(address.exec(output)?.[1]);
  if (!(port > 0)) throw new Error(`steadfast serve did not start:\n${output}${errors}`);
  return { run, port, output, api: apiClient(port, token) };
}
