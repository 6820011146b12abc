import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ExtensionGate, isExtensionOrigin, pairRequestSchema } from '../contract/extension-pairing.js';
import { parseInput } from '../contract/schemas.js';
import { extensionOf, PAIR_ROUTE } from './extension-door.js';

/** How long a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * The browser extension's routes beside the table's (ARCHITECTURE.md §7 "Browser extension"):
 * the code-for-token trade, the extension's "am I still paired" check, and the CORS answers. The
 * door (extensionDoor) has already decided who gets here; these add the grant to the origin it
 * admitted, and to no other.
 */
export function registerExtensionRoutes(app: FastifyInstance, gate: ExtensionGate): void {
  const grantedOrigin = (origin: string | undefined, route: string | undefined): string | null =>
    isExtensionOrigin(origin) && (gate.isPaired(origin) || route === PAIR_ROUTE) ? origin : null;

  app.addHook('onSend', async (request, reply) => {
    const origin = grantedOrigin(request.headers.origin, request.routeOptions.url);
    if (origin !== null) void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  });

  app.post(PAIR_ROUTE, async (request, reply) => {
    const { code } = parseInput(pairRequestSchema, request.body);
    return reply.code(201).send(gate.pair(code, request.headers.origin ?? ''));
  });

  // Which extension the token pairs (null for the app's own token): the extension's "am I still paired".
  app.get('/api/extension/status', async (request) => ({ origin: extensionOf(gate, request.headers.authorization) }));

  // A preflight is answered only for the origin the grant is for; anyone else finds no such route.
  const preflight = async (request: FastifyRequest, reply: FastifyReply) =>
    grantedOrigin(request.headers.origin, request.routeOptions.url) === null
      ? reply.callNotFound()
      : reply
          .code(204)
          .header('access-control-allow-methods', 'GET, POST')
          .header('access-control-allow-headers', 'authorization, content-type')
          .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S))
          .send();
  app.options(PAIR_ROUTE, preflight);
  app.options('/api/*', preflight);
}
