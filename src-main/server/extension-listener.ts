import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { EngineApi } from '../contract/api.js';
import type { ExtensionPairingSource } from '../contract/extension-pairing.js';
import { createHttpServer } from './http-server.js';
import { LOCAL_HOST_NAMES } from './request-guards.js';

/** Where the desktop app listens for its extension, unless STEADFAST_PORT says otherwise: serve's default too. */
export const EXTENSION_PORT = 4000;
const HOST = '127.0.0.1';

export interface ExtensionListener {
  /** The port listened on, or null while nothing is paired and no code waits. */
  port(): number | null;
  /** Settles once the listener has followed every change so far. */
  settled(): Promise<void>;
  /** Closes the listener for good (the app quits). */
  stop(): Promise<void>;
}

/**
 * The desktop app's REST server, for its browser extension only (ARCHITECTURE.md §7 "Browser
 * extension"): it listens on 127.0.0.1 while a paired extension is taken (Settings can turn each
 * off without unpairing) or a code waits for one, and not otherwise, so an app that never paired
 * opens no port. Its main token is random and
 * told to no one: the window speaks IPC, and only the extension's own token gets in.
 */
export function followPairing(options: {
  engine: EngineApi;
  pairing: ExtensionPairingSource;
  port: number;
  onError: (error: Error) => void;
}): ExtensionListener {
  const { engine, pairing } = options;
  let app: FastifyInstance | null = null;
  let stopped = false;
  let queue = Promise.resolve();

  const wanted = () => {
    const state = pairing.state();
    return !stopped && (state.extensions.some((e) => e.accepting) || state.code !== null);
  };

  const follow = async () => {
    if (wanted() && app === null) {
      const server = await createHttpServer({
        engine,
        token: randomBytes(32).toString('base64url'),
        allowedHosts: new Set(LOCAL_HOST_NAMES),
        rendererDir: null,
        extensions: pairing,
      });
      try {
        await server.listen({ host: HOST, port: options.port });
        app = server;
      } catch (error) {
        await server.close();
        options.onError(new Error(`Cannot listen for the browser extension on ${HOST}:${options.port}: ${(error as Error).message}`));
      }
    } else if (!wanted() && app !== null) {
      const server = app;
      app = null;
      await server.close();
    }
  };
  // A failed step (the secret store unreadable) is reported; the next change tries again.
  const schedule = () => (queue = queue.then(follow).catch((error: unknown) => options.onError(error instanceof Error ? error : new Error(String(error)))));

  const unsubscribe = pairing.onChange(() => void schedule());
  void schedule();
  return {
    port: () => (app === null ? null : (app.server.address() as { port: number }).port),
    settled: () => queue,
    async stop() {
      stopped = true;
      unsubscribe();
      await schedule();
    },
  };
}
