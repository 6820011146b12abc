import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import type { EngineApi } from '../contract/api.js';
import type { ExtensionGate } from '../contract/extension-pairing.js';
import type { UntypedMethod } from '../contract/methods.js';
import { fromRestRequest, restRoutes, toRestReply } from '../contract/rest-mapping.js';
import { validatingApi } from '../contract/validating-api.js';
import { apiError, toApiError } from './api-errors.js';
import { capConnections } from './connection-cap.js';
import { eventStreams } from './event-stream.js';
import { extensionDoor, PAIR_ROUTE } from './extension-door.js';
import { registerExtensionRoutes } from './extension-routes.js';
import type { FileLinks } from './file-links.js';
import { type CompletedFileOpener, FILE_ROUTE, registerFileRoutes } from './file-route.js';
import { hasToken, isAllowedHost, isSameOrigin } from './request-guards.js';

/** How long a connection may take and how many may be open (ARCHITECTURE.md §7). */
export interface ServerLimits {
  /** From the connection (or the previous request's end) to a request's last header. */
  headersTimeoutMs: number;
  /** From the connection (or the previous request's end) to a request's last body byte; not the answer. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection with no byte either way for this long is closed (event streams beat more often). */
  idleTimeoutMs: number;
  /** Open connections at most; see capConnections. */
  maxConnections: number;
  /** An event-stream client with more unsent bytes than this is dropped; see eventStreams. */
  maxUnsentEventBytes: number;
}

/**
 * Headers come in one packet from any real client, and bodies are at most 64 KiB: generous
 * still for a slow link, and short enough that a socket that drips bytes is gone quickly.
 * Keep-alive is Node's own 5 s (Fastify's 72 s is meant for sitting behind a load balancer).
 * 128 connections leave the file handles a download needs even under `ulimit -n 256`.
 * 1 MiB of unsent events (beyond what the kernel buffers) is about 7 s of them with 20 downloads
 * moving: a client that far behind costs less to resync from a snapshot than to catch up.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxConnections: 128,
  maxUnsentEventBytes: 1024 * 1024,
};

export interface HttpServerOptions {
  /** Called only through validatingApi: the routes hand it arguments exactly as sent. */
  engine: EngineApi;
  token: string;
  /** Host names (no ports) that requests may address us by. */
  allowedHosts: ReadonlySet<string>;
  /** The built renderer (index.html and assets), or null to serve the API alone. */
  rendererDir: string | null;
  /** How often an idle event stream gets a heartbeat comment. */
  heartbeatMs?: number;
  /** DEFAULT_LIMITS unless given (tests use short ones). */
  limits?: Partial<ServerLimits>;
  /** Completed files for the browser through short-lived links; without it, no file routes. */
  files?: { open: CompletedFileOpener; links: FileLinks };
  /** The paired browser extension, admitted at its origin with its own token; none when absent. */
  extensions?: ExtensionGate;
  /** HTTPS with this certificate chain and key (PEM); plain HTTP when absent. */
  tls?: { cert: string; key: string };
}

const BODY_LIMIT = 64 * 1024;

/** The page's policy: our own scripts and API only, nothing inline, nothing framed. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The headless REST API (docs/ARCHITECTURE.md §7): the method table's routes over the engine,
 * the event stream, and the UI's static files. validatingApi checks every argument with the
 * table's schemas; this layer guards the door: Host, Origin, token, body size.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const { token, allowedHosts } = options;
  const extensions = options.extensions ?? null;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  // A quiet event stream must write before the idle timeout would close it.
  const heartbeatMs = Math.min(options.heartbeatMs ?? 15_000, limits.idleTimeoutMs / 2);
  const api = validatingApi(options.engine);
  const serverOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node looks for late requests every 30 s by default, which would stretch a 10 s limit to 40.
    connectionsCheckingInterval: Math.ceil(Math.min(1000, limits.headersTimeoutMs / 4)),
  };
  // A TLS handshake gets no longer than a request's headers would.
  const transport = options.tls === undefined ? { http: serverOptions } : { https: { ...serverOptions, ...options.tls, handshakeTimeout: limits.headersTimeoutMs } };
  const app = Fastify({
    ...transport,
    bodyLimit: BODY_LIMIT,
    logger: false,
    forceCloseConnections: true,
    // Fastify's defaults leave requests and idle sockets unlimited: one byte every few seconds
    // would hold a connection (and a file handle) for ever.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    // A path the router cannot read (bad escapes, an over-long id) is bad input like any other.
    frameworkErrors: (_error, _request, reply) => {
      void (reply as FastifyReply).code(400).send({ error: { code: 'INVALID_ARGUMENT', message: 'The request path is malformed or too long' } });
    },
    // Below HTTP (oversized headers, garbage): answer in the API's shape and say the connection ends.
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const [status, code, message] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? ['431 Request Header Fields Too Large', 'PAYLOAD_TOO_LARGE', 'The request headers are larger than 16 KiB']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? ['408 Request Timeout', 'REQUEST_TIMEOUT', 'The request did not arrive in time']
            : ['400 Bad Request', 'INVALID_ARGUMENT', 'Malformed HTTP request'];
      const body = JSON.stringify({ error: { code, message } });
      socket.end(
        `HTTP/1.1 ${status}\r\nConnection: close\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
  });
  const cap = capConnections(app.server, limits.maxConnections);
  const streams = eventStreams(api, { heartbeatMs, maxUnsentBytes: limits.maxUnsentEventBytes });

  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = toApiError(error);
    if (status === 500) console.error('steadfast: request failed:', error instanceof Error ? error.message : error);
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });

  /** Why the door refuses a request, or null to let it in (and then a token holder's connection is trusted). */
  const refusal = (request: FastifyRequest) => {
    const host = request.headers.host;
    if (!isAllowedHost(host, allowedHosts)) return apiError('FORBIDDEN', `Requests for host "${host ?? ''}" are not served here`);
    const { origin, authorization } = request.headers;
    const extension = extensionDoor(extensions, { method: request.method, route: request.routeOptions.url, origin, authorization });
    if (extension !== 'pass') return extension === 'admit' ? null : extension;
    if (!isSameOrigin(request.headers.origin, host)) return apiError('FORBIDDEN', 'Cross-origin requests are not allowed');
    // Judged by the route the router matched, not by the raw URL: "/%61pi/…" and absolute-form
    // targets reach the same handlers. Only the page and its files are public.
    const route = request.routeOptions.url;
    if (route === '/' || route === '/*' || (extensions !== null && route === PAIR_ROUTE)) return null;
    // A file link carries its own short-lived credential (file-links.ts), checked by its handler.
    if (route === FILE_ROUTE && options.files !== undefined) return null;
    if (!hasToken(request.headers.authorization, token)) {
      return apiError('UNAUTHORIZED', 'Missing or wrong token: send "Authorization: Bearer <token>" (printed at start)');
    }
    cap.trust(request.raw.socket);
    return null;
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const error = refusal(request);
    if (error === null) return;
    // A refused request ends its connection: no further requests on it, and no waiting for the
    // rest of a body that may be dripped for ever.
    void reply.header('connection', 'close');
    if (error.code === 'UNAUTHORIZED') void reply.header('www-authenticate', 'Bearer');
    throw error;
  });

  for (const { route, methods } of restRoutes()) {
    app.route({
      method: route.verb,
      url: route.path,
      handler: async (request, reply) => {
        const { method, values } = fromRestRequest(methods, {
          params: request.params as Record<string, string>,
          query: request.query as Record<string, unknown>,
          body: request.body,
        });
        const { status, body } = toRestReply(route, await (api[method] as UntypedMethod)(...values));
        return reply.code(status).send(body);
      },
    });
  }

  if (options.files !== undefined) registerFileRoutes(app, { ...options.files, trust: (socket) => cap.trust(socket) });
  if (extensions !== null) registerExtensionRoutes(app, extensions);

  app.get('/api/events', async (_request, reply) => {
    reply.hijack();
    await streams.open(reply.raw);
  });

  if (options.rendererDir !== null && existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, {
      root: options.rendererDir,
      setHeaders: (reply) => {
        void reply.headers(PAGE_HEADERS);
      },
    });
  } else {
    app.get('/', async (_request, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The Steadfast UI is not built. Run `npm run build`, then restart; the API works meanwhile.'),
    );
  }

  app.addHook('preClose', async () => streams.closeAll());
  return app;
}
