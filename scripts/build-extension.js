// Builds the browser extension (extension/, ARCHITECTURE.md §7 "Browser extension") into
// out/extension/chromium and out/extension/firefox: one bundle per entry point, the pages and
// their stylesheet (which imports the app's), and each browser's manifest with the app's version.
import { build } from 'esbuild';
import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = 'out/extension';
const BROWSERS = ['chromium', 'firefox'];
const read = (path) => JSON.parse(readFileSync(path, 'utf8'));

rmSync(OUT, { recursive: true, force: true });
const staging = join(OUT, 'chromium');
await build({
  entryPoints: ['background', 'options', 'popup', 'bypass'].map((name) => `extension/src/${name}.ts`).concat('extension/src/pages.css'),
  outdir: staging,
  bundle: true,
  format: 'iife',
  target: ['chrome116', 'firefox128'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const page of ['options.html', 'popup.html']) copyFileSync(join('extension/src', page), join(staging, page));
copyFileSync('assets/icon.png', join(staging, 'icon.png'));

const manifest = { ...read('extension/manifest.json'), version: read('package.json').version };
// Firefox warns about Chromium's keys; its variant replaces the background and adds its id.
const { minimum_chrome_version: _chromeOnly, ...shared } = manifest;
const manifests = { chromium: manifest, firefox: { ...shared, ...read('extension/manifest.firefox.json') } };
cpSync(staging, join(OUT, 'firefox'), { recursive: true });
for (const browser of BROWSERS) writeFileSync(join(OUT, browser, 'manifest.json'), `${JSON.stringify(manifests[browser], null, 2)}\n`);
