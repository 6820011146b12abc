import type { FastifyInstance } from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../../src-main/contract/settings.js';
import type { SecretStore } from '../../src-main/engine/secret-store.js';
import { withAllowedFolders } from '../../src-main/server/allowed-folders.js';
import type { FileLinks } from '../../src-main/server/file-links.js';
import { createHttpServer, type HttpServerOptions } from '../../src-main/server/http-server.js';
import { apiClient } from './api-client.js';
import { startEngine, type EngineHarness } from './engine-harness.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface ApiHarness {
  engine: EngineHarness;
  app: FastifyInstance;
  port: number;
  api: ReturnType<typeof apiClient>;
  close(): Promise<void>;
}

/**
 * The REST server over a real engine, on 127.0.0.1 with a port of its own and a stub page;
 * `allowedDirs(root)` puts the engine behind `steadfast serve`'s folder allow-list; `root` and
 * `secrets` give the engine a folder and a secret store of the test's own.
 */
export async function startApi(
  settings: Partial<Settings> = {},
  options: Pick<HttpServerOptions, 'heartbeatMs' | 'limits' | 'tls'> & {
    allowedDirs?: (root: string) => string[];
    root?: string;
    secrets?: SecretStore;
    /** Serves completed files through these links, as `steadfast serve` does. */
    fileLinks?: FileLinks;
  } = {},
): Promise<ApiHarness> {
  const { allowedDirs, root, secrets, fileLinks, ...server } = options;
  const engine = startEngine({ settings, ...(root === undefined ? {} : { root }), ...(secrets === undefined ? {} : { secrets }) });
  const rendererDir = join(engine.root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Steadfast</title>');
  const app = await createHttpServer({
    engine: allowedDirs ? withAllowedFolders(engine.manager, allowedDirs(engine.root)) : engine.manager,
    token: TEST_TOKEN,
    allowedHosts: new Set(['127.0.0.1', 'localhost', '::1']),
    rendererDir,
    ...(fileLinks === undefined ? {} : { files: { open: (id: string) => engine.manager.openCompletedFile(id), links: fileLinks } }),
    extensions: engine.manager.extensions,
    ...server,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return {
    engine,
    app,
    port,
    api: apiClient(port, TEST_TOKEN),
    async close() {
      await app.close();
      await engine.close();
    },
  };
}
