import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * better-sqlite3 built for Electron's ABI, kept apart from node_modules' Node build (which the
 * tests use): `scripts/ensure-electron.js` puts it in native/electron/, and packaging ships it
 * in the app's resources. Null means none was found: the app then says how to make one.
 */
export function electronSqliteBinding(appPath: string, resourcesPath: string, packaged: boolean): string | null {
  const candidate = packaged
    ? join(resourcesPath, 'native', 'better_sqlite3.node')
    : join(appPath, 'native', 'electron', 'better_sqlite3.node');
  return existsSync(candidate) ? candidate : null;
}
