import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { EngineApi, ParsedCalls } from '../contract/api.js';
import { API_METHOD_NAMES, type ApiMethod, generateMethods, type UntypedMethod } from '../contract/methods.js';
import { apiError } from './api-errors.js';

/**
 * Where `path` really is: its deepest existing ancestor with every symlink resolved, then the
 * rest as named (it does not exist yet, so it holds no symlink). A folder is judged by where the
 * engine's writes would land, not by how the request spells it.
 */
export async function realFolder(path: string): Promise<string> {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    try {
      return join(await realpath(current), ...missing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = dirname(current);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) throw error;
      missing.unshift(basename(current));
      current = parent;
    }
  }
}

/** Null when the path cannot be resolved at all (a symlink loop, a folder we may not read). */
const realOrNull = (path: string): Promise<string | null> => realFolder(path).catch(() => null);

const isInside = (folder: string, root: string): boolean => {
  const path = relative(root, folder);
  return path === '' || (path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path));
};

/** ".." is refused outright: where it leads depends on the symlinks before it, which differ between lexical and real resolution. */
const climbs = (path: string): boolean => path.split(/[\\/]/).includes('..');

/**
 * Settings that decide who sees a download's traffic. Over the API a token holder could send
 * every download, cookies and sign-ins included, through a proxy of their own, or trust an
 * authority of their own (a file they downloaded) and read https:// too; so `serve` takes them
 * only from its command line and environment.
 */
const FIXED_AT_START = ['proxy', 'proxy_password', 'ca_file'] as const;

/**
 * The headless server's allow-list (ARCHITECTURE.md §7): downloads are saved only inside `roots`
 * (real paths compared, symlinks followed). It wraps the engine below the API's edge, so
 * arguments are already parsed; a refusal (403 FORBIDDEN) comes before the engine is called, so
 * it changes nothing. The list is fixed when the server starts: no setting can widen it, or a
 * token holder could.
 */
export function withAllowedFolders(engine: EngineApi, roots: readonly string[]): EngineApi {
  const requireAllowed = async (folder: string, what: string): Promise<void> => {
    const refuse = (why: string) =>
      apiError('FORBIDDEN', `${what} "${folder}" ${why}; this server saves only inside the folders given to --allowed-dirs at start`);
    if (climbs(folder)) throw refuse('contains ".."');
    const real = await realOrNull(folder);
    if (real === null) throw refuse('cannot be resolved on this machine');
    // Resolved at each check, not once at start: a root may be created, or re-linked, later.
    const realRoots = await Promise.all(roots.map(realOrNull));
    if (!realRoots.some((root) => root !== null && isInside(real, root))) {
      throw refuse('is outside the allowed folders (symlinks followed)');
    }
  };

  const passThrough = generateMethods(API_METHOD_NAMES, (method) =>
    (engine[method] as UntypedMethod).bind(engine),
  ) as ParsedCalls<ApiMethod>;
  return {
    ...passThrough,
    add: async (request) => {
      if (request.dest_dir !== undefined) await requireAllowed(request.dest_dir, 'dest_dir');
      // A stored download folder may predate the list, or lie outside it by the operator's choice.
      else await requireAllowed((await engine.getSettings()).download_dir, 'The download folder');
      return engine.add(request);
    },
    updateSettings: async (patch) => {
      const fixed = FIXED_AT_START.filter((key) => patch[key] !== undefined);
      if (fixed.length > 0) {
        throw apiError('FORBIDDEN', `${fixed.join(', ')} cannot be changed over the API: this server's proxy and trusted authorities are set when it starts (--proxy, --ca-file, HTTPS_PROXY)`);
      }
      if (patch.download_dir !== undefined) await requireAllowed(patch.download_dir, 'download_dir');
      return engine.updateSettings(patch);
    },
    onChanged: (listener) => engine.onChanged(listener),
  };
}
