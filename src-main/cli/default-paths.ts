import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a plain-Node Steadfast keeps its database: the platform's per-user data folder, like
 * Electron's userData, so a later desktop install finds the same convention.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.STEADFAST_DATA_DIR) return env.STEADFAST_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Steadfast');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Steadfast');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'steadfast');
}

export function defaultDownloadDir(): string {
  return join(homedir(), 'Downloads');
}
