import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { EngineApi } from '../contract/api.js';
import type { UntypedMethod } from '../contract/methods.js';
import { fromRestRequest, restRoutes, toRestReply } from '../contract/rest-mapping.js';
import { validatingApi } from '../contract/validating-api.js';
import { apiError, toApiError } from './api-errors.js';
import { hasToken, isAllowedHost, isSameOrigin } from './request-guards.js';

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
  const api = validatingApi(options.engine);
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    forceCloseConnections: true,
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
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      const body = JSON.stringify({
        error: tooLarge
          ? { code: 'PAYLOAD_TOO_LARGE', message: 'The request headers are larger than 16 KiB' }
          : { code: 'INVALID_ARGUMENT', message: 'Malformed HTTP request' },
      });
      socket.end(
        `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nConnection: close\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
  });
  const streams = new Set<ServerResponse>();

  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = toApiError(error);
    if (status === 500) console.error('steadfast: request failed:', error instanceof Error ? error.message : error);
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const host = request.headers.host;
    if (!isAllowedHost(host, allowedHosts)) {
      throw apiError('FORBIDDEN', `Requests for host "${host ?? ''}" are not served here`);
    }
    if (!isSameOrigin(request.headers.origin, host)) {
      throw apiError('FORBIDDEN', 'Cross-origin requests are not allowed');
    }
    // Judged by the route the router matched, not by the raw URL: "/%61pi/…" and absolute-form
    // targets reach the same handlers. Only the page and its files are public.
    const route = request.routeOptions.url;
    const isPage = route === '/' || route === '/*';
    if (!isPage && !hasToken(request.headers.authorization, token)) {
      void reply.header('www-authenticate', 'Bearer');
      throw apiError('UNAUTHORIZED', 'Missing or wrong token: send "Authorization: Bearer <token>" (printed at start)');
    }
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

  app.get('/api/events', async (request, reply) => {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    streams.add(response);
    // Every connection starts with the whole list: a client that reconnects is in sync at once.
    const unsubscribe = api.onChanged((change) => send('changed', change));
    send('snapshot', { downloads: await api.list() });
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
    request.raw.on('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
      streams.delete(response);
    });
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

  app.addHook('preClose', async () => {
    for (const response of streams) response.end();
  });
  return app;
}
