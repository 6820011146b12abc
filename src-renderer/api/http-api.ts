import { ApiRequestError } from '../../src-main/contract/api-error.js';
import type { Calls, DownloadsChange } from '../../src-main/contract/api.js';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { API_ERROR_CODES, type ApiError } from '../../src-main/contract/error-codes.js';
import { API_METHOD_NAMES, type ApiMethod, generateMethods, routeOf } from '../../src-main/contract/methods.js';
import { fromRestReply, type RestRequest, toRestRequest } from '../../src-main/contract/rest-mapping.js';
import { UiError } from '../i18n/ui-error.js';
import { readEventStream } from './event-stream.js';
import type { UiApi } from './ui-api.js';

const RECONNECT_MS = [500, 1000, 2000, 3000];
/** The server beats every 15 s; silence for longer means the connection is dead. */
const SILENCE_MS = 40_000;

const isApiError = (value: unknown): value is { error: ApiError } => {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return (
    typeof error?.message === 'string' && (API_ERROR_CODES as readonly unknown[]).includes(error.code)
  );
};

async function send(token: string, { verb, path, body }: RestRequest): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: verb,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new UiError('INTERNAL_ERROR', 'error.unreachable');
  }
  if (response.status === 204) return undefined;
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload;
  if (isApiError(payload)) throw new ApiRequestError(payload.error.code, payload.error.message);
  throw new UiError('INTERNAL_ERROR', 'error.http', { status: String(response.status) });
}

/** The server's event stream, open while anyone listens, reconnecting when it drops. */
class ChangeStream {
  private readonly changeListeners = new Set<(change: DownloadsChange) => void>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  private readonly known = new Set<string>();
  private streaming: AbortController | null = null;

  constructor(private readonly token: string) {}

  onChanged(listener: (change: DownloadsChange) => void): () => void {
    this.changeListeners.add(listener);
    if (this.streaming === null) this.stream();
    return () => {
      this.changeListeners.delete(listener);
      if (this.changeListeners.size === 0) {
        this.streaming?.abort();
        this.streaming = null;
      }
    };
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  private setConnected(connected: boolean): void {
    for (const listener of this.connectionListeners) listener(connected);
  }

  private emit(change: DownloadsChange): void {
    for (const id of change.removed) this.known.delete(id);
    for (const snapshot of change.snapshots) this.known.add(snapshot.id);
    for (const listener of this.changeListeners) listener(change);
  }

  /** Keeps one event stream open, reconnecting with a short backoff, for as long as anyone listens. */
  private stream(): void {
    const controller = new AbortController();
    this.streaming = controller;
    void (async () => {
      let failures = 0;
      while (!controller.signal.aborted) {
        let silence: ReturnType<typeof setTimeout> | undefined;
        const connection = new AbortController();
        const abortConnection = () => connection.abort();
        controller.signal.addEventListener('abort', abortConnection, { once: true });
        const watch = () => {
          clearTimeout(silence);
          silence = setTimeout(() => connection.abort(), SILENCE_MS);
        };
        try {
          const response = await fetch('/api/events', {
            headers: { authorization: `Bearer ${this.token}` },
            signal: connection.signal,
          });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          watch();
          await readEventStream(
            response,
            (event, data) => {
              watch();
              if (event === 'snapshot') {
                failures = 0;
                this.setConnected(true);
                // A fresh connection carries the whole list: what we knew and it lacks is gone.
                const { downloads } = JSON.parse(data) as { downloads: DownloadSnapshot[] };
                const present = new Set(downloads.map((d) => d.id));
                this.emit({ snapshots: downloads, removed: [...this.known].filter((id) => !present.has(id)) });
              } else if (event === 'changed') {
                this.emit(JSON.parse(data) as DownloadsChange);
              }
            },
            connection.signal,
          );
        } catch {
          // Reconnect below.
        } finally {
          clearTimeout(silence);
          controller.signal.removeEventListener('abort', abortConnection);
        }
        if (controller.signal.aborted) return;
        this.setConnected(false);
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)]));
        failures += 1;
      }
    })();
  }
}

/** The contract over the headless server's REST API and event stream (browser mode). */
export function httpDownloadsApi(token: string): UiApi {
  const calls = generateMethods(API_METHOD_NAMES, (method) => async (...values) =>
    fromRestReply(routeOf(method), await send(token, toRestRequest(method, values))),
  ) as Calls<ApiMethod>;
  const events = new ChangeStream(token);
  return {
    ...calls,
    onChanged: (listener) => events.onChanged(listener),
    onConnection: (listener) => events.onConnection(listener),
    desktop: null,
    fileLink: async (id) => {
      const { url } = (await send(token, { verb: 'POST', path: `/api/downloads/${encodeURIComponent(id)}/file-link` })) as { url: string };
      return url;
    },
  };
}
