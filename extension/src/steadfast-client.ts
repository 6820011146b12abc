import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';

/** Why a call to Steadfast failed, in the words the badge and the pages show. */
export type Failure = 'unreachable' | 'unpaired' | 'refused';

export class SteadfastError extends Error {
  constructor(
    readonly failure: Failure,
    message: string,
  ) {
    super(message);
  }
}

export interface Connection {
  /** e.g. http://127.0.0.1:4000 */
  server: string;
  token: string;
}

/** A download as the popup shows it: part of Steadfast's snapshot. */
export type SentDownload = Pick<DownloadSnapshot, 'id' | 'filename' | 'status' | 'total_bytes' | 'downloaded_bytes'>;

/** Steadfast answers on this machine; a hung call is as good as none. */
const TIMEOUT_MS = 5000;

async function call(server: string, method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, server), {
      method,
      // Our own cookies for 127.0.0.1 (another local app's) have no business in Steadfast's API.
      credentials: 'omit',
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new SteadfastError('unreachable', `Steadfast is not reachable at ${server}`);
  }
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload;
  const message = (payload as { error?: { message?: unknown } } | null)?.error?.message;
  const said = typeof message === 'string' ? message : `HTTP ${response.status}`;
  if (response.status === 401 || response.status === 403) throw new SteadfastError('unpaired', `Steadfast refused the extension: ${said}`);
  throw new SteadfastError('refused', `Steadfast refused the download: ${said}`);
}

/** Trades Settings' one-time code for the extension's own token. */
export async function pair(server: string, code: string): Promise<string> {
  const grant = (await call(server, 'POST', '/api/extension/pair', null, { code })) as { token?: unknown };
  if (typeof grant.token !== 'string') throw new SteadfastError('refused', 'Steadfast sent no token');
  return grant.token;
}

export const sendDownload = async (connection: Connection, body: unknown): Promise<SentDownload> =>
  (await call(connection.server, 'POST', '/api/downloads/start', connection.token, body)) as SentDownload;

export const downloadState = async (connection: Connection, id: string): Promise<SentDownload> =>
  (await call(connection.server, 'GET', `/api/downloads/${encodeURIComponent(id)}`, connection.token)) as SentDownload;

/** Resolves while the token still works; throws the reason otherwise. */
export async function checkPairing(connection: Connection): Promise<void> {
  await call(connection.server, 'GET', '/api/extension/status', connection.token);
}
