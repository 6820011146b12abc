// CLI composition root (loaded by src-main/cli.ts): `steadfast get <url>…` runs downloads with
// the same engine and store as the app, in the foreground.
import { resolve } from 'node:path';
import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadsApi } from '../contract/api.js';
import { describeSource, type DownloadSnapshot, withoutCredentials } from '../contract/downloads.js';
import { parseInput, settingsPatchSchema } from '../contract/schemas.js';
import { changes, isActive } from '../contract/transitions.js';
import type { Settings } from '../contract/settings.js';
import { validatingApi } from '../contract/validating-api.js';
import type { ListRequest } from '../contract/download-list.js';
import { type GetCommand, type GetListCommand, type GetOptions, parseCliArgs, UsageError, USAGE } from './args.js';
import { ListRefused, planList, readInputFile } from './get-list.js';
import { openLocalEngine } from './local-engine.js';
import { outcomeLine, progressLine, summaryLine } from './progress-line.js';

const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

function overrides(command: GetOptions): Partial<Settings> {
  // `get` is the user's explicit start, like Resume: the queue's schedule does not hold it back
  // (ARCHITECTURE.md §2 "Schedules"); a scheduled speed limit still applies.
  const values: Partial<Settings> = { queue_schedule: null };
  if (command.attempts !== null) values.max_attempts = command.attempts;
  if (command.retryDelaySeconds !== null) values.initial_delay_seconds = command.retryDelaySeconds;
  if (command.stallTimeoutSeconds !== null) values.stall_timeout_seconds = command.stallTimeoutSeconds;
  if (command.connections !== null) values.connections = command.connections;
  if (command.maxConcurrent !== null) values.max_concurrent = command.maxConcurrent;
  if (command.speedLimit !== null) values.speed_limit = command.speedLimit;
  if (command.caFile !== null) values.ca_file = resolve(command.caFile);
  if (command.endpoint !== null) values.s3_endpoint = command.endpoint;
  if (command.region !== null) values.s3_region = command.region;
  if (command.profile !== null) values.s3_profile = command.profile;
  return values;
}

/** What to add, and for one of several where it was asked for (named when it is refused). */
interface GetRequest {
  request: ListRequest & { dest_dir: string };
  where?: string;
}

/**
 * Each request's download: the same URL into the same folder, not finished yet, is resumed, with
 * the headers it was added with (kept in the secret store); any other is added. All are added
 * before any is resumed, and a refused add takes back the ones added before it: a list refused
 * half-way has changed nothing.
 */
async function findOrAdd(api: DownloadsApi, requests: readonly GetRequest[]): Promise<DownloadSnapshot[]> {
  const known = await api.list();
  const found: DownloadSnapshot[] = [];
  const added: string[] = [];
  try {
    for (const { request, where } of requests) {
      // Stored addresses carry no user name or password: those became a header.
      const shown = withoutCredentials(request.url);
      const earlier = known.find((s) => describeSource(s.source) === shown && s.dest_dir === request.dest_dir && s.status !== 'completed');
      if (earlier !== undefined) found.push(earlier);
      else {
        const snapshot = await api.add(request).catch((error: unknown) => {
          throw error instanceof ApiRequestError && where !== undefined ? new ListRefused(`${where}: ${error.message}; nothing was downloaded`) : error;
        });
        added.push(snapshot.id);
        found.push(snapshot);
      }
    }
  } catch (error) {
    await Promise.all(added.map((id) => api.remove(id).catch(() => undefined)));
    throw error;
  }
  return Promise.all(
    found.map((s) => {
      if (changes(s.status, 'resume')) return api.resume(s.id);
      if (changes(s.status, 'restart')) return api.restart(s.id);
      return s;
    }),
  );
}

/**
 * Progress on stderr: on a terminal one line redrawn in place (the download's own line, or a
 * summary of several); in a log one line per state change of each download.
 */
function progressReporter(): { render: (snapshots: readonly DownloadSnapshot[]) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  const lastState = new Map<string, string>();
  return {
    render: (snapshots) => {
      if (tty) {
        const line = snapshots.length === 1 ? progressLine(snapshots[0]!, Date.now()) : summaryLine(snapshots);
        process.stderr.write(`\r\x1b[K${line}`);
        return;
      }
      for (const snapshot of snapshots) {
        const state = `${snapshot.status} ${snapshot.retry_info.current_attempt}`;
        if (state !== lastState.get(snapshot.id)) process.stderr.write(`${progressLine(snapshot, Date.now())}\n`);
        lastState.set(snapshot.id, state);
      }
    },
    end: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}

/**
 * Runs the requests' downloads in the foreground with the engine's concurrency, until every one
 * is out of the scheduler's hands; Ctrl-C pauses them all. Says how each ended, in order.
 */
async function runDownloads(
  command: GetOptions,
  plan: (api: DownloadsApi) => Promise<GetRequest[] | null>,
): Promise<number> {
  // The flags pass the settings' own validation, so a bad --endpoint reads like a bad setting.
  const { manager, close } = openLocalEngine(
    'steadfast get',
    command.dataDir,
    parseInput(settingsPatchSchema.omit({ s3_secret_access_key: true }), overrides(command)),
    // The end of the download reaches us as a change event: at 100 ms apart, exiting waited 50 ms
    // on average for it. Every 10 ms costs one snapshot each time, nothing more.
    { changeIntervalMs: 10 },
  );
  // The URLs are untrusted input like any other: they pass the API's edge.
  const api = validatingApi(manager);
  try {
    const requests = await plan(api);
    if (requests === null) return EXIT.usage;
    const latest = new Map((await findOrAdd(api, requests)).map((s) => [s.id, s]));
    const ids = [...latest.keys()];
    const { render, end } = progressReporter();
    const current = () => ids.map((id) => latest.get(id)!);
    const finished = new Promise<void>((done) => {
      const check = () => {
        // Out of the scheduler's hands (finished, or paused by Ctrl-C or another front end): nothing more to wait for.
        if (current().every((s) => !isActive(s.status))) done();
      };
      api.onChanged(({ snapshots }) => {
        const mine = snapshots.filter((s) => latest.has(s.id));
        if (mine.length === 0) return;
        for (const s of mine) latest.set(s.id, s);
        render(current());
        check();
      });
      check();
    });
    let interrupted = false;
    const onSigint = () => {
      interrupted = true;
      // Some may have finished a moment ago; then there is nothing to pause.
      for (const id of ids) api.pause(id).catch(() => undefined);
    };
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    const ticker = setInterval(() => render(current()), 500);
    manager.start({ only: ids });
    await finished;
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    end();
    const finals = current();
    for (const final of finals) process.stderr.write(`${outcomeLine(final, finals.length > 1)}\n`);
    if (command.json) process.stdout.write(finals.map((final) => `${JSON.stringify(final)}\n`).join(''));
    if (finals.every((final) => final.status === 'completed')) return EXIT.ok;
    return interrupted ? EXIT.interrupted : EXIT.failed;
  } finally {
    await manager.shutdown();
    close();
  }
}

const downloadFolder = async (api: DownloadsApi, command: GetOptions) => resolve(command.dir ?? (await api.getSettings()).download_dir);

/** `get URL`: one download. */
async function get(command: GetCommand): Promise<number> {
  return runDownloads(command, async (api) => {
    const { url, headers } = command;
    return [{ request: { url, dest_dir: await downloadFolder(api, command), ...(Object.keys(headers).length > 0 ? { headers } : {}) } }];
  });
}

/** `get URL URL… -i FILE`: the list is read and checked whole before anything is added. */
async function getList(command: GetListCommand): Promise<number> {
  const text = command.inputFile === null ? null : readInputFile(command.inputFile);
  return runDownloads(command, async (api) => {
    const { downloads, messages, problems } = planList(command, text, await downloadFolder(api, command));
    for (const message of messages) process.stderr.write(`steadfast: ${message}\n`);
    if (problems > 0) {
      process.stderr.write(`steadfast: nothing was downloaded: ${problems === 1 ? 'a line' : `${problems} lines`} above cannot become a download\n`);
      return null;
    }
    if (downloads.length === 0) {
      process.stderr.write('steadfast: nothing was downloaded: the list has no links\n');
      return null;
    }
    return downloads;
  });
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
    return await (command.command === 'get' ? get(command) : getList(command));
  } catch (error) {
    if (error instanceof UsageError || error instanceof ApiRequestError || error instanceof ListRefused) {
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
