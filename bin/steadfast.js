#!/usr/bin/env node
// The `steadfast` command: the bundled CLI that `npm run build` writes to out/cli/.
import { existsSync } from 'node:fs';

const cli = new URL('../out/cli/cli.cjs', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('steadfast: the CLI is not built yet; run `npm run build` (or use `npm run cli -- …`).\n');
  process.exit(1);
}
await import(cli.href);
