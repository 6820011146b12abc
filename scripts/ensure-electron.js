// `npm start` runs this first. Installs deny electron's postinstall download (package.json's
// allowScripts), so `npm ci` works offline and in CI; the desktop app fetches its Electron
// binary here, once, on first start. Electron's own installer skips the work when present.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const installer = require.resolve('electron/install.js');
let installed = true;
try {
  require('electron');
} catch {
  installed = false;
}
if (!installed) {
  console.log('Fetching the Electron binary for this platform (first start only)…');
  const result = spawnSync(process.execPath, [installer], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      'Could not download Electron. Check the network connection and run `npm start` again.\n' +
        'The command-line downloader works without it: npm run cli -- get <url>',
    );
    process.exit(1);
  }
}
