// `npm start`, `npm run dev` and `npm run dist` run this first; it needs the internet once.
//
// 1. The Electron binary: installs deny electron's postinstall download (package.json's
//    allowScripts), so `npm ci` works offline and in CI; the app fetches it here, on first start.
// 2. better-sqlite3 for Electron's ABI, in native/electron/, apart from node_modules' Node build
//    that the tests use (rebuilding in place would break `npm test`). The app loads it through
//    better-sqlite3's `nativeBinding` option.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, cwd) {
  return spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;
}

function fail(message) {
  console.error(`${message}\nThe command-line downloader and the headless server work without it: npm run cli -- get <url>, npm run serve`);
  process.exit(1);
}

let electronInstalled = true;
try {
  require('electron');
} catch {
  electronInstalled = false;
}
if (!electronInstalled) {
  console.log('Fetching the Electron binary for this platform (first start only)…');
  if (!run(process.execPath, [require.resolve('electron/install.js')], root)) {
    fail('Could not download Electron. Check the network connection and run this command again.');
  }
}

const electronVersion = require('electron/package.json').version;
const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = require('better-sqlite3/package.json').version;
const target = join(root, 'native', 'electron');
const stamp = `electron ${electronVersion}, better-sqlite3 ${sqliteVersion}, ${process.platform}-${process.arch}`;
const stampFile = join(target, 'BUILT-FOR');

if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8').trim() !== stamp) {
  console.log(`Building better-sqlite3 for ${stamp}…`);
  const work = mkdtempSync(join(tmpdir(), 'steadfast-sqlite-'));
  try {
    cpSync(sqliteDir, work, { recursive: true, filter: (path) => !path.includes(`${join('build', 'Release')}`) });
    const prebuilt = run(
      process.execPath,
      [require.resolve('prebuild-install/bin.js'), '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch],
      work,
    );
    const built =
      prebuilt ||
      run(
        process.execPath,
        [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers'],
        work,
      );
    if (!built) fail('Could not get better-sqlite3 for Electron (neither a prebuilt binary nor a local build).');
    mkdirSync(target, { recursive: true });
    cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(target, 'better_sqlite3.node'));
    writeFileSync(stampFile, `${stamp}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
