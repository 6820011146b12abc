import type { FastifyInstance } from 'fastify';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DownloadsChange, EngineApi } from '../../src-main/contract/api.js';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { API_METHOD_NAMES, generateMethods } from '../../src-main/contract/methods.js';
import { newDownloadRecord } from '../../src-main/engine/download-store.js';
import { toSnapshot } from '../../src-main/engine/snapshot.js';
import { createHttpServer, type ServerLimits } from '../../src-main/server/http-server.js';
import { httpDownloadsApi } from '../../src-renderer/api/http-api.js';
import { openEventStream } from '../support/api-client.js';

const TOKEN = 'backpressure-token-0123456789';
const MiB = 1024 * 1024;

/** A real snapshot with a long name: about 1 KiB of JSON. */
function snapshot(id: string, status: DownloadSnapshot['status'] = 'downloading'): DownloadSnapshot {
  const now = Date.now();
  const record = newDownloadRecord({
    id,
    source: { kind: 'http', url: `http://127.0.0.1:9/${id}.bin` },
    filename: `${id}-${'n'.repeat(180)}.bin`,
    filenameFromUser: false,
    destDir: '/tmp',
    maxAttempts: 5,
    sha256: null,
    speedLimit: null,
    now,
  });
  return toSnapshot(
    { ...record, status, total_bytes: 1024 ** 3, notice: 'n'.repeat(400), etag: '"v1"', completed_at: status === 'completed' ? now : null },
    null,
    now,
  );
}

/** An engine that lists what the test says and announces the changes the test emits. */
function standInEngine() {
  const downloads = new Map<string, DownloadSnapshot>();
  const listeners = new Set<(change: DownloadsChange) => void>();
  const engine = {
    ...generateMethods(API_METHOD_NAMES, (method) => () => Promise.reject(new Error(`${method} is not used here`))),
    list: async () => [...downloads.values()],
    onChanged: (listener: (change: DownloadsChange) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as EngineApi;
  const emit = (change: DownloadsChange) => {
    for (const listener of listeners) listener(change);
  };
  return { engine, downloads, emit };
}

/** The server over the stand-in engine, with its connections counted as it sees them. */
async function startServer(engine: EngineApi, limits: Partial<ServerLimits> = {}) {
  const app = await createHttpServer({ engine, token: TOKEN, allowedHosts: new Set(['127.0.0.1']), rendererDir: null, limits });
  const sockets = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  /** The bytes the server holds for its clients, unsent: in total and the most for one. */
  const unsent = () => {
    const lengths = [...sockets].map((s) => s.writableLength);
    return { total: lengths.reduce((a, b) => a + b, 0), most: Math.max(0, ...lengths) };
  };
  return { app, port, sockets, unsent };
}

/** A client that asks for the event stream and then never reads a byte of it. */
function stalledClient(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
      resolve(socket);
    });
  });
}

describe('event stream backpressure', () => {
  let app: FastifyInstance | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    vi.unstubAllGlobals();
    for (const socket of clients.splice(0)) socket.destroy();
    await app?.close();
    app = undefined;
  });

  it('40 clients that never read are each dropped past 1 MiB unsent, the server holds a bounded amount, and a reading client gets every event', async () => {
    const { engine, downloads, emit } = standInEngine();
    for (let i = 0; i < 20; i++) downloads.set(`d${i}`, snapshot(`d${i}`));
    const server = await startServer(engine);
    app = server.app;
    const reader = await openEventStream(server.port, TOKEN);
    for (let i = 0; i < 40; i++) clients.push(await stalledClient(server.port));
    for (let i = 0; i < 100 && server.sockets.size < 41; i++) await sleep(10);
    expect(server.sockets.size).toBe(41);
    await sleep(100);

    // 40 downloads move in every batch: about 55 KiB an event.
    const batch = [...downloads.values(), ...[...downloads.values()].map((s) => ({ ...s, id: `${s.id}x` }))];
    const eventBytes = JSON.stringify({ snapshots: batch, removed: ['0'] }).length + 40;
    let sent = 0;
    let total = 0;
    // Until the server has dropped every stalled client, or holds plainly too much (today's code).
    while (server.sockets.size > 1 && total < 40 * 4 * MiB && sent < 5000) {
      emit({ snapshots: batch, removed: [String(sent)] });
      sent += 1;
      const unsent = server.unsent();
      expect(unsent.most).toBeLessThanOrEqual(MiB + 2 * eventBytes);
      total = unsent.total;
      await sleep(1);
    }
    expect(server.sockets.size).toBe(1);
    // What was held for the dropped clients is gone with them.
    await sleep(50);
    expect(server.unsent().total).toBeLessThan(eventBytes);

    // The one that reads got every event, in order.
    for (let i = 0; i < 500 && reader.events.length < sent + 1; i++) await sleep(10);
    expect(reader.events[0]!.event).toBe('snapshot');
    expect(reader.events.slice(1).map((e) => (e.data as DownloadsChange).removed[0])).toEqual(Array.from({ length: sent }, (_, i) => String(i)));
    expect(reader.open).toBe(true);

    // The server closed each stalled client: reading now, each finds the end of its stream.
    const ends = clients.map((socket) => new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))));
    for (const socket of clients) socket.resume();
    expect(await Promise.race([Promise.all(ends), sleep(5000, 'not all closed')])).toEqual(clients.map(() => true));
    reader.close();
  });

  it("the page's event client, dropped for not reading, reconnects and reloads the whole list", async () => {
    const { engine, downloads, emit } = standInEngine();
    for (const id of ['a', 'b']) downloads.set(id, snapshot(id));
    const server = await startServer(engine, { maxUnsentEventBytes: 64 * 1024 });
    app = server.app;

    // The page's fetch, pointed at this server; the first event stream is not read until the gate opens.
    const base = `http://127.0.0.1:${server.port}`;
    const realFetch = globalThis.fetch;
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    let streams = 0;
    vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
      const response = await realFetch(new URL(path, base), init);
      if (path !== '/api/events' || ++streams > 1) return response;
      const body = response.body!.getReader();
      const held = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await gate;
          const { value, done } = await body.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => body.cancel(reason),
      });
      return new Response(held, { status: response.status, headers: response.headers });
    });

    const page = httpDownloadsApi(TOKEN);
    const state = new Map<string, string>();
    const connection: boolean[] = [];
    page.onConnection((connected) => connection.push(connected));
    const stop = page.onChanged(({ snapshots, removed }) => {
      for (const id of removed) state.delete(id);
      for (const s of snapshots) state.set(s.id, s.status);
    });
    for (let i = 0; i < 100 && server.sockets.size < 1; i++) await sleep(10);

    // The page stops reading; events pile up until the server drops it.
    const filler = { snapshots: [snapshot('a'), snapshot('b')], removed: [] };
    for (let i = 0; i < 5000 && server.sockets.size > 0; i++) {
      emit(filler);
      await sleep(1);
    }
    expect(server.sockets.size).toBe(0);

    // While it is away: one download finishes, one is removed, one is added.
    downloads.set('a', snapshot('a', 'completed'));
    downloads.delete('b');
    downloads.set('c', snapshot('c', 'queued'));
    emit({ snapshots: [downloads.get('a')!, downloads.get('c')!], removed: ['b'] });
    openGate();

    for (let i = 0; i < 300 && (connection.length < 3 || connection.at(-1) !== true); i++) await sleep(10);
    expect(connection).toEqual([true, false, true]);
    expect(streams).toBe(2);
    expect(Object.fromEntries(state)).toEqual({ a: 'completed', c: 'queued' });
    stop();
  });
});
