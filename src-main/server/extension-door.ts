import type { ApiRequestError } from '../contract/api-error.js';
import { type ExtensionGate, isExtensionOrigin } from '../contract/extension-pairing.js';
import { apiError } from './api-errors.js';
import { bearerOf } from './request-guards.js';

/** Where the extension trades its code for a token: the code is the credential, no bearer. */
export const PAIR_ROUTE = '/api/extension/pair';

/**
 * What a paired extension may do, and nothing more: hand over a download, watch the ones it sent,
 * and ask whether it is still paired. Settings, the list of every download and the actions stay
 * with the app's own page.
 */
const START_ROUTE = 'POST /api/downloads/start';
const EXTENSION_ROUTES = new Set([START_ROUTE, 'GET /api/downloads/:id', 'GET /api/extension/status']);

export interface DoorRequest {
  method: string;
  /** The route the router matched (undefined: none did). */
  route: string | undefined;
  origin: string | undefined;
  authorization: string | undefined;
}

/**
 * The door's answer for a browser extension (ARCHITECTURE.md §7 "Browser extension"): `pass`
 * leaves the request to the usual rules (our page, the main token), `admit` lets it in, an error
 * refuses it. An extension's origin is admitted only when it is a paired one, with its own token,
 * on its routes; its preflights are answered for paired origins alone. Chromium sends no Origin on
 * an extension's GET, so a paired extension's token alone admits one there, on the same routes.
 */
export function extensionDoor(gate: ExtensionGate | null, request: DoorRequest): 'pass' | 'admit' | ApiRequestError {
  const { method, route, origin } = request;
  if (gate === null) return 'pass';
  const key = `${method} ${route ?? ''}`;
  if (isExtensionOrigin(origin)) {
    if (route === PAIR_ROUTE && (method === 'POST' || method === 'OPTIONS')) return 'admit';
    if (!gate.isPaired(origin)) return apiError('FORBIDDEN', 'This browser extension is not paired with Steadfast: pair it in its options');
    if (method === 'OPTIONS') return 'admit';
    if (!EXTENSION_ROUTES.has(key)) return apiError('FORBIDDEN', 'The browser extension may not use this route');
    // Its own token: another paired extension's token does not speak for it.
    if (extensionOf(gate, request.authorization) !== origin) return apiError('UNAUTHORIZED', 'The browser extension’s token is wrong or revoked: pair it again');
    // Turned off in Settings: it may still read the downloads it sent and its status, not add more.
    if (key === START_ROUTE && !gate.accepting(origin)) {
      return apiError('FORBIDDEN', 'Steadfast is set not to take downloads from this browser extension: turn it on in Settings › Browser extension');
    }
    return 'admit';
  }
  if (origin === undefined && EXTENSION_ROUTES.has(key) && extensionOf(gate, request.authorization) !== null) return 'admit';
  return 'pass';
}

/** The paired extension whose token the request carries, or null. */
export const extensionOf = (gate: ExtensionGate, authorization: string | undefined): string | null => {
  const token = bearerOf(authorization);
  return token === null ? null : gate.tokenOwner(token);
};
