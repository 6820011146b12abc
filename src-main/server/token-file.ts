import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A token is 16–256 characters that a header carries as they are. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{16,256}$/;

/** Where the data folder keeps its generated token. */
export const tokenPath = (dataDir: string): string => join(dataDir, 'token');

/**
 * The API token: generated at first start (256 random bits) and kept in the data folder,
 * readable by its owner only, so restarts keep working bookmarks and scripts. `renew` (serve
 * --new-token) replaces it, and with it every copy handed out before.
 */
export function loadOrCreateToken(dataDir: string, renew = false): string {
  const path = tokenPath(dataDir);
  if (!renew && existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length >= 16) return stored;
  }
  const token = randomBytes(32).toString('base64url');
  // Written aside and renamed: a crash never leaves a half-written token, nor the old one readable under a new mode.
  writeFileSync(`${path}.new`, `${token}\n`, { mode: 0o600 });
  renameSync(`${path}.new`, path);
  return token;
}

/**
 * `serve --token-file PATH`: the token from a file the operator keeps (a secret manager's,
 * systemd's credentials, `<(pass show …)`), so it never appears in the process list. A file
 * other users may read or change is refused, as ssh refuses such a key: its token would be
 * no secret. (On Windows, where modes mean nothing, it is only read.)
 */
export function readTokenFile(path: string, platform = process.platform): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new Error(`Cannot read the token file: ${(error as Error).message}`, { cause: error });
  }
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if (platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new Error(
        `The token file ${path} is open to other users (mode ${mode.toString(8).padStart(4, '0')}), so its token is no secret. ` +
          `Make it the owner's alone (chmod 600 ${path}) and start again.`,
      );
    }
    const token = readFileSync(fd, 'utf8').trim();
    if (!TOKEN_PATTERN.test(token)) {
      throw new Error(`The token file ${path} must hold one token of 16–256 characters without spaces`);
    }
    return token;
  } finally {
    closeSync(fd);
  }
}
