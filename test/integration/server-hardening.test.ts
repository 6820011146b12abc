import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerLimits } from '../../src-main/server/http-server.js';
import { openEventStream, rawRequest } from '../support/api-client.js';
import { type ApiHarness, startApi, TEST_TOKEN } from '../support/api-server.js';

/** Short limits, so a test sees each one fire in well under a second. */
const SHORT: Partial<ServerLimits> = { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 400, idleTimeoutMs: 1500 };

interface RawConnection {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Milliseconds from connecting to the server's first byte, and to the connection's close. */
  answeredAfter: Promise<number>;
  closedAfter: Promise<number>;
}

/** A TCP connection that sends exactly what the test writes, when it writes it. */
function rawConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = performance.now();
    let text = '';
    const answeredAfter = new Promise<number>((answered) => socket.once('data', () => answered(performance.now() - started)));
    const closedAfter = new Promise<number>((closed) => socket.once('close', () => closed(performance.now() - started)));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, answeredAfter, closedAfter }));
    socket.once('error', reject);
  });
}

/** Writes one byte every `everyMs` until the connection closes. */
function drip(socket: Socket, byte: string, everyMs: number): void {
  const timer = setInterval(() => socket.write(byte), everyMs);
  socket.once('close', () => clearInterval(timer));
}

const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, sleep(ms, 'still open' as const)]);

describe('slow and idle connections', () => {
  let server: ApiHarness;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.close();
  });
  const open = async (port: number) => {
    const connection = await rawConnection(port);
    sockets.push(connection.socket);
    return connection;
  };

  it('a POST without the token gets 401 with Connection: close, and the socket is closed at once while its body still drips', async () => {
    server = await startApi();
    const connection = await open(server.port);
    connection.socket.write(
      `POST /api/downloads/start HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
    );
    drip(connection.socket, 'x', 50);
    const answered = await connection.answeredAfter;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(connection.received()).toMatch(/\r\nconnection: close\r\n/i);
    const closed = await within(connection.closedAfter, 1500);
    expect(closed).not.toBe('still open');
    expect(closed as number).toBeLessThan(answered + 200);
  });

  it('headers dripped one byte at a time are cut at the headers timeout with a 408', async () => {
    server = await startApi({}, { limits: SHORT });
    const connection = await open(server.port);
    connection.socket.write(`GET /api/downloads HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nX-Pad: `);
    drip(connection.socket, 'a', 50);
    const closed = await within(connection.closedAfter, 3000);
    expect(closed).not.toBe('still open');
    // The timeout is checked every headersTimeout/4.
    expect(closed as number).toBeGreaterThanOrEqual(400);
    expect(closed as number).toBeLessThan(1200);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\nConnection: close\r\n/);
    expect(connection.received()).toContain('{"error":{"code":"REQUEST_TIMEOUT","message":"The request did not arrive in time"}}');
  });

  it('a connection that never sends a byte is closed at the headers timeout', async () => {
    server = await startApi({}, { limits: SHORT });
    const connection = await open(server.port);
    const closed = await within(connection.closedAfter, 3000);
    expect(closed).not.toBe('still open');
    expect(closed as number).toBeGreaterThanOrEqual(400);
    expect(closed as number).toBeLessThan(1200);
  });

  it("a token holder's body dripped slowly is cut at the request timeout with a 408", async () => {
    server = await startApi({}, { limits: SHORT });
    const connection = await open(server.port);
    connection.socket.write(
      `POST /api/downloads/start HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    drip(connection.socket, ' ', 50);
    const closed = await within(connection.closedAfter, 3000);
    expect(closed).not.toBe('still open');
    expect(closed as number).toBeGreaterThanOrEqual(800);
    expect(closed as number).toBeLessThan(1600);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect((await server.api.get('/api/downloads')).json).toEqual({ downloads: [] });
  });

  it('an idle keep-alive connection is closed at the keep-alive timeout', async () => {
    server = await startApi({}, { limits: SHORT });
    const connection = await open(server.port);
    connection.socket.write(`GET /api/downloads HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n\r\n`);
    const answered = await connection.answeredAfter;
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(connection.received()).toMatch(/\r\nconnection: keep-alive\r\n/i);
    const closed = await within(connection.closedAfter, 3000);
    expect(closed).not.toBe('still open');
    // Node closes it a second after the time it advertises, so that a client closes first.
    expect((closed as number) - answered).toBeGreaterThanOrEqual(400);
    expect((closed as number) - answered).toBeLessThan(2000);
  });

  it('an event stream outlives the request, headers, keep-alive and idle timeouts', async () => {
    server = await startApi({}, { limits: SHORT, heartbeatMs: 300 });
    const stream = await openEventStream(server.port, TEST_TOKEN);
    // Over three times the longest limit, the idle one.
    await sleep(5000);
    expect(stream.open).toBe(true);
    expect(stream.comments).toBeGreaterThanOrEqual(10);
    const { id } = (await server.api.post('/api/downloads/start', { url: 'http://127.0.0.1:9/f.bin' })).json as { id: string };
    for (let i = 0; i < 100 && !stream.events.some((e) => e.event === 'changed'); i++) await sleep(20);
    expect(stream.events[0]!.event).toBe('snapshot');
    expect(stream.events.find((e) => e.event === 'changed')?.data).toMatchObject({ snapshots: [{ id }] });
    stream.close();
  });
});

describe('the connection cap', () => {
  let server: ApiHarness;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.close();
  });

  /** Counts the server's open connections, as the server sees them. */
  const serverConnections = (harness: ApiHarness) => {
    let count = 0;
    harness.app.server.on('connection', (socket: Socket) => {
      count += 1;
      socket.once('close', () => (count -= 1));
    });
    return () => count;
  };

  /** `n` connections without the token that drip their headers, a byte every 200 ms. */
  const slowSockets = async (port: number, n: number) => {
    const opened = await Promise.all(Array.from({ length: n }, () => rawConnection(port)));
    for (const { socket } of opened) {
      sockets.push(socket);
      socket.write(`GET /api/downloads HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Pad: `);
      drip(socket, 'a', 200);
    }
    return opened;
  };

  it('300 slow sockets without the token: the server holds at most 32 connections, and token holders are answered at once', async () => {
    // The default 10 s headers timeout: here the cap alone keeps the door open.
    server = await startApi({}, { limits: { maxConnections: 32 } });
    const connections = serverConnections(server);
    const slow = await slowSockets(server.port, 300);
    await sleep(300);
    expect(connections()).toBeLessThanOrEqual(32);
    const stillOpen = async () => (await Promise.all(slow.map((c) => within(c.closedAfter, 0)))).filter((c) => c === 'still open').length;
    expect(await stillOpen()).toBeLessThanOrEqual(32);

    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const response = await server.api.get('/api/downloads');
      latencies.push(performance.now() - started);
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ downloads: [] });
    }
    expect(Math.max(...latencies)).toBeLessThan(500);
    expect(connections()).toBeLessThanOrEqual(32);
  });

  it("a token holder's open connections are never pushed out by newcomers without the token", async () => {
    server = await startApi({}, { limits: { maxConnections: 16 } });
    const connections = serverConnections(server);
    const request = `GET /api/downloads HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n\r\n`;
    const trusted = await Promise.all(Array.from({ length: 8 }, () => rawConnection(server.port)));
    for (const { socket } of trusted) {
      sockets.push(socket);
      socket.write(request);
    }
    await Promise.all(trusted.map((c) => c.answeredAfter));

    await slowSockets(server.port, 100);
    await sleep(300);
    expect(connections()).toBeLessThanOrEqual(16);
    for (const connection of trusted) {
      expect(await within(connection.closedAfter, 0)).toBe('still open');
      const before = connection.received().length;
      connection.socket.write(request);
      for (let i = 0; i < 50 && connection.received().length === before; i++) await sleep(10);
      expect(connection.received().slice(before)).toMatch(/^HTTP\/1\.1 200 /);
    }
    // A newcomer with the token still gets in: it pushes out the oldest slow socket.
    expect((await rawRequest(server.port, 'GET', '/api/downloads', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(200);
  });
});
