// Headless composition root: the engine, its store and the HTTP server (REST API, events, UI),
// without a desktop. Started by `steadfast serve` / `npm run serve`.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServeCommand } from './cli/args.js';
import { openLocalEngine } from './cli/local-engine.js';
import { withAllowedFolders } from './server/allowed-folders.js';
import { FileLinks } from './server/file-links.js';
import { createHttpServer } from './server/http-server.js';
import { LOCAL_HOST_NAMES } from './server/request-guards.js';
import { readTlsFiles } from './server/tls-files.js';
import { loadOrCreateToken, readTokenFile, tokenPath } from './server/token-file.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The built UI, seen from the sources (src-main/) or from the bundle (out/cli/). */
const RENDERER_DIR =
  [join(here, '..', 'out', 'renderer'), join(here, '..', 'renderer')].find((dir) => existsSync(join(dir, 'index.html'))) ??
  join(here, '..', 'out', 'renderer');

/** Runs until SIGINT or SIGTERM; then every active download is checkpointed before exit. */
export async function serve(command: ServeCommand): Promise<number> {
  for (const warning of command.warnings) process.stderr.write(`steadfast: warning: ${warning}\n`);
  // A token file, or TLS files, that cannot be used stop the start before anything is opened.
  const given = command.tokenFile === null ? command.token : readTokenFile(command.tokenFile);
  const tls = command.tls === null ? undefined : readTlsFiles(command.tls);
  const { dataDir, manager, close } = openLocalEngine('steadfast serve', command.dataDir, {
    ...(command.downloadDir === null ? {} : { download_dir: resolve(command.downloadDir) }),
    ...(command.proxy === null ? {} : { proxy: command.proxy }),
    ...(command.caFile === null ? {} : { ca_file: resolve(command.caFile) }),
  });
  const token = given ?? loadOrCreateToken(dataDir, command.newToken);
  // Fixed for this run: a setting would let any token holder widen it.
  // The download folder alone by default: a token holder who could write anywhere in the home
  // folder could start programs at login (~/.config/autostart, ~/Library/LaunchAgents, ~/.ssh).
  const allowedDirs = (command.allowedDirs ?? [(await manager.getSettings()).download_dir]).map((dir) => resolve(dir));
  const app = await createHttpServer({
    engine: withAllowedFolders(manager, allowedDirs),
    token,
    allowedHosts: new Set([command.host.toLowerCase(), ...LOCAL_HOST_NAMES, ...command.allowedHosts]),
    rendererDir: RENDERER_DIR,
    files: { open: (id) => manager.openCompletedFile(id), links: new FileLinks() },
    extensions: manager.extensions,
    ...(tls === undefined ? {} : { tls }),
  });
  // Listening for signals before anything is announced: a stop that comes right after the
  // start line must still checkpoint and close cleanly.
  const stopRequested = new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  manager.start();
  try {
    await app.listen({ host: command.host, port: command.port });
  } catch (error) {
    await manager.shutdown();
    close();
    throw error;
  }
  const { port } = app.server.address() as { port: number };
  const base = `${tls === undefined ? 'http' : 'https'}://${command.host.includes(':') ? `[${command.host}]` : command.host}:${port}`;
  // The token travels in the fragment, which browsers never send to a server or its logs. It is
  // printed only to a terminal: stdout that is not one ends up in journald or container logs.
  const shown = process.stdout.isTTY === true ? token : '<token>';
  const where =
    command.tokenFile !== null
      ? `in ${command.tokenFile}`
      : given !== null
        ? 'the one passed in STEADFAST_TOKEN or --token'
        : `in ${tokenPath(dataDir)}`;
  process.stdout.write(
    `Steadfast is running.\n  UI:  ${base}/#token=${shown}\n  API: ${base}/api  (Authorization: Bearer ${shown})\n` +
      (shown === token ? '' : `  Token: ${where} (printed only on a terminal, to keep it out of logs)\n`) +
      `  Saves only inside: ${allowedDirs.join(', ')}\n`,
  );

  await stopRequested;
  process.stdout.write('Stopping: checkpointing active downloads…\n');
  await app.close();
  await manager.shutdown();
  close();
  return 0;
}
