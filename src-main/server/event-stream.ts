import type { ServerResponse } from 'node:http';
import type { DownloadsApi } from '../contract/api.js';

export interface EventStreamOptions {
  /** How often every stream gets a heartbeat comment (it also keeps the idle timeout away). */
  heartbeatMs: number;
  /** A client with more unsent bytes than this, beyond its opening snapshot, is cut off. */
  maxUnsentBytes: number;
}

export interface EventStreams {
  /** Serves one client on its response: the snapshot, then every change, until either side closes. */
  open(response: ServerResponse): Promise<void>;
  /** Ends every stream (the server is closing). */
  closeAll(): void;
}

interface Client {
  response: ServerResponse;
  /** Unsent bytes beyond which the client is dropped. */
  limit: number;
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * GET /api/events (ARCHITECTURE.md §7). Each change is serialised once for every client. A client
 * that stops reading would make the server hold every event for it without limit; once more than
 * `maxUnsentBytes` wait for it, its connection is destroyed instead. Nothing is lost by that: a
 * reconnecting client starts from the whole list.
 */
export function eventStreams(api: DownloadsApi, options: EventStreamOptions): EventStreams {
  const clients = new Set<Client>();
  let unsubscribe: (() => void) | null = null;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const deliver = (client: Client, text: string) => {
    client.response.write(text);
    if (client.response.writableLength > client.limit) {
      leave(client);
      client.response.destroy();
    }
  };
  const broadcast = (text: string) => {
    for (const client of clients) deliver(client, text);
  };
  // Listening to the engine and beating only while someone is connected.
  const join = (client: Client) => {
    clients.add(client);
    unsubscribe ??= api.onChanged((change) => broadcast(frame('changed', change)));
    heartbeat ??= setInterval(() => broadcast(': heartbeat\n\n'), options.heartbeatMs);
  };
  const leave = (client: Client) => {
    clients.delete(client);
    if (clients.size > 0) return;
    unsubscribe?.();
    unsubscribe = null;
    clearInterval(heartbeat);
    heartbeat = undefined;
  };

  return {
    async open(response) {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
      });
      // Every connection starts with the whole list: a client that reconnects (dropped, or after
      // a network loss) is in sync at once. Between list() and join() only microtasks run, and
      // changes are announced from timers, so none falls between the snapshot and the first change.
      const snapshot = frame('snapshot', { downloads: await api.list() });
      if (response.destroyed) return;
      const client = { response, limit: options.maxUnsentBytes + Buffer.byteLength(snapshot) };
      response.once('close', () => leave(client));
      join(client);
      deliver(client, snapshot);
    },
    closeAll() {
      for (const client of clients) {
        leave(client);
        client.response.end();
      }
    },
  };
}
