// CLI composition root (loaded by src-main/cli.ts): `steadfast get <url>` runs one download with
// the same engine and store as the app, in the foreground.
import { resolve } from 'node:path';
import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadsApi } from '../contract/api.js';
import { describeSource, type DownloadSnapshot, withoutCredentials } from '../contract/downloads.js';
import { parseInput, settingsPatchSchema } from '../contract/schemas.js';
import { changes, isActive } from '../contract/transitions.js';
import type { Settings } from '../contract/settings.js';
import { validatingApi } from '../contract/validating-api.js';
import { type GetCommand, parseCliArgs, UsageError, USAGE } from './args.js';
import { openLocalEngine } from './local-engine.js';
import { outcomeLine, progressLine } from './progress-line.js';

const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

function overrides(command: GetCommand): Partial<Settings> {
  // `get` is the user's explicit start, like Resume: the queue's schedule does not hold it back
  // (ARCHITECTURE.md §2 "Schedules"); a scheduled speed limit still applies.
  const values: Partial<Settings> = { queue_schedule: null };
  if (command.attempts !== null) values.max_attempts = command.attempts;
  if (command.retryDelaySeconds !== null) values.initial_delay_seconds = command.retryDelaySeconds;
  if (command.stallTimeoutSeconds !== null) values.stall_timeout_seconds = command.stallTimeoutSeconds;
  if (command.connections !== null) values.connections = command.connections;
  if (command.speedLimit !== null) values.speed_limit = command.speedLimit;
  if (command.caFile !== null) values.ca_file = resolve(command.caFile);
  if (command.endpoint !== null) values.s3_endpoint = command.endpoint;
  if (command.region !== null) values.s3_region = command.region;
  if (command.profile !== null) values.s3_profile = command.profile;
  return values;
}

/**
 * The same URL into the same folder, not finished yet: running the command again resumes it, with
 * the headers it was added with (kept in the secret store).
 */
async function findOrAdd(api: DownloadsApi, command: GetCommand, dir: string): Promise<DownloadSnapshot> {
  const { url, headers } = command;
  // Stored addresses carry no user name or password: those became a header.
  const shown = withoutCredentials(url);
  const earlier = (await api.list()).find(
    (s) => describeSource(s.source) === shown && s.dest_dir === dir && s.status !== 'completed',
  );
  if (earlier === undefined) return api.add({ url, dest_dir: dir, ...(Object.keys(headers).length > 0 ? { headers } : {}) });
  if (changes(earlier.status, 'resume')) return api.resume(earlier.id);
  if (changes(earlier.status, 'restart')) return api.restart(earlier.id);
  return earlier;
}

async function get(command: GetCommand): Promise<number> {
  // The flags pass the settings' own validation, so a bad --endpoint reads like a bad setting.
  const { manager, close } = openLocalEngine(
    'steadfast get',
    command.dataDir,
    parseInput(settingsPatchSchema.omit({ s3_secret_access_key: true }), overrides(command)),
    // The end of the download reaches us as a change event: at 100 ms apart, exiting waited 50 ms
    // on average for it. Every 10 ms costs one snapshot each time, nothing more.
    { changeIntervalMs: 10 },
  );
  // The URL on the command line is untrusted input like any other: it passes the API's edge.
  const api = validatingApi(manager);
  const tty = process.stderr.isTTY === true;
  let last: DownloadSnapshot | null = null;
  let lastState = '';
  const render = () => {
    if (last === null) return;
    const line = progressLine(last, Date.now());
    if (tty) {
      process.stderr.write(`\r\x1b[K${line}`);
      return;
    }
    // Without a terminal, one line per state change keeps logs readable.
    const state = `${last.status} ${last.retry_info.current_attempt}`;
    if (state !== lastState) process.stderr.write(`${line}\n`);
    lastState = state;
  };

  try {
    const dir = resolve(command.dir ?? (await api.getSettings()).download_dir);
    const first = await findOrAdd(api, command, dir);
    const id = first.id;
    last = first;
    const finished = new Promise<DownloadSnapshot>((done) => {
      api.onChanged(({ snapshots }) => {
        const mine = snapshots.find((s) => s.id === id);
        if (mine === undefined) return;
        last = mine;
        render();
        // Out of the scheduler's hands (finished, or paused by Ctrl-C or another front end): nothing more to wait for.
        if (!isActive(mine.status)) done(mine);
      });
    });
    let interrupted = false;
    const onSigint = () => {
      interrupted = true;
      // It may have finished a moment ago; then there is nothing to pause.
      api.pause(id).catch(() => undefined);
    };
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    const ticker = setInterval(render, 500);
    manager.start({ only: [id] });
    const final = await finished;
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    if (tty) process.stderr.write('\n');
    process.stderr.write(`${outcomeLine(final)}\n`);
    if (command.json) process.stdout.write(`${JSON.stringify(final)}\n`);
    if (final.status === 'completed') return EXIT.ok;
    return interrupted ? EXIT.interrupted : EXIT.failed;
  } finally {
    await manager.shutdown();
    close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCliArgs(argv);
    if (command.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    // Loaded only for `serve`: the HTTP framework is not needed to download one file.
    if (command.command === 'serve') return await (await import('../headless.js')).serve(command);
    return await get(command);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ApiRequestError) {
      process.stderr.write(`steadfast: ${error.message}\n${error instanceof UsageError ? `\n${USAGE}\n` : ''}`);
      return EXIT.usage;
    }
    process.stderr.write(`steadfast: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

// main() reports every error itself, so its promise never rejects.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
