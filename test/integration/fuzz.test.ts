import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGED_CHANNEL } from '../../src-main/contract/bridge.js';
import { API_ERROR_CODES } from '../../src-main/contract/error-codes.js';
import { createFileActions } from '../../src-main/electron/file-actions.js';
import { registerIpcHandlers } from '../../src-main/electron/ipc-handlers.js';
import { trustedSender } from '../../src-main/electron/sender-check.js';
import { rawRequest } from '../support/api-client.js';
import { type ApiHarness, startApi, TEST_TOKEN } from '../support/api-server.js';
import { randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { createRng, type FuzzRequest, type IpcCall, ipcCall, POLLUTION_KEY, restRequest } from '../support/fuzz-inputs.js';
import { ipcPair } from '../support/ipc-pair.js';

/**
 * Hostile input against both doors of the engine: the REST API of a real headless server and
 * the IPC handlers over the in-memory ipcMain/ipcRenderer pair. Every request is generated
 * from one seed (STEADFAST_FUZZ_SEED replays another run) and every one must be refused; the
 * state (one completed download, its attempts, the settings, the files) must not change, the
 * server must keep answering, and no prototype may gain a property.
 */
const SEED = Number(process.env.STEADFAST_FUZZ_SEED ?? 0x5eed_f022);
const REST_COUNT = Number(process.env.STEADFAST_FUZZ_REST ?? 10_000);
const IPC_COUNT = Number(process.env.STEADFAST_FUZZ_IPC ?? 10_000);
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 10_000;
const PAGE = 'file:///opt/steadfast/out/renderer/index.html';

const STATUSES_OF_CODE: Record<string, number[]> = {
  INVALID_ARGUMENT: [400],
  UNAUTHORIZED: [401],
  FORBIDDEN: [403],
  NOT_FOUND: [404],
  INVALID_STATE: [409],
  // A body over 64 KiB, or headers over 16 KiB (431, answered below HTTP's parser).
  PAYLOAD_TOO_LARGE: [413, 431],
};

interface Reply {
  status: number;
  contentType: string;
  text: string;
}

/** Responses each pooled connection has carried: a reset on one that carried any is a reuse race. */
const servedOn = new WeakMap<Socket, number>();

/**
 * One request on a keep-alive connection, with exactly the bytes given (Content-Length always
 * set). A connection reset before any answer, on a connection that had already carried a
 * response, is the pool's race rather than the server's answer: the server ended that
 * connection after its last reply (it does after a 431, without saying `Connection: close`),
 * and Node's agent handed it out again. Such a request is sent once more on a new connection,
 * as Node's documentation advises, and counted.
 */
async function send(agent: Agent, port: number, request: FuzzRequest, retried = { count: 0 }): Promise<Reply> {
  try {
    return await sendOnce(agent, port, request);
  } catch (error) {
    if (!(error as { reused?: boolean }).reused) throw error;
    retried.count += 1;
    return sendOnce(false, port, request);
  }
}

function sendOnce(agent: Agent | false, port: number, request: FuzzRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = request.body.length;
    const req = httpRequest({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (req.socket) servedOn.set(req.socket, (servedOn.get(req.socket) ?? 0) + 1);
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms (a hang)`)));
    req.on('error', (error) => {
      const reset = (error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as NodeJS.ErrnoException).code === 'EPIPE';
      reject(Object.assign(error, { reused: reset && req.socket !== null && (servedOn.get(req.socket) ?? 0) > 0 }));
    });
    req.end(request.body);
  });
}

/** What a failure report shows of a request: enough to replay it by hand. */
function describeRequest(index: number, request: FuzzRequest): string {
  const body = request.body === undefined ? '' : ` body(${request.body.length} B)=${JSON.stringify(request.body.subarray(0, 300).toString('utf8'))}`;
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, v.length > 120 ? `${v.slice(0, 120)}…(${v.length})` : v]));
  return `#${index} [${request.kind}] ${request.method} ${request.path.slice(0, 300)} headers=${JSON.stringify(headers)}${body}`;
}

/** Why a reply breaks the rules, or null when it is a proper refusal. */
function problemWith(request: FuzzRequest, reply: Reply): string | null {
  if (reply.status < 400 || reply.status >= 500) return `status ${reply.status}: ${reply.text.slice(0, 300)}`;
  if (request.kind === 'auth' && reply.status !== 401) return `a request without the right token got ${reply.status}, not 401`;
  if ((request.kind === 'host' || request.kind === 'origin') && reply.status !== 403) return `a foreign ${request.kind} got ${reply.status}, not 403`;
  if (request.kind === 'state' && reply.status !== 409 && reply.status !== 400) return `an action on the completed download got ${reply.status}`;
  if (!reply.contentType.startsWith('application/json')) return `content-type ${reply.contentType || '(none)'}`;
  if (request.method === 'HEAD') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.text);
  } catch {
    return `not JSON: ${reply.text.slice(0, 200)}`;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error !== 'object' || error === null) return `no {error} object: ${reply.text.slice(0, 200)}`;
  if (Object.keys(parsed as object).length !== 1) return `more than {error}: ${reply.text.slice(0, 200)}`;
  if (typeof error.code !== 'string' || !(API_ERROR_CODES as readonly string[]).includes(error.code)) return `error.code ${String(error.code)}`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'error.message is not a non-empty string';
  if (!STATUSES_OF_CODE[error.code]?.includes(reply.status)) return `code ${error.code} with status ${reply.status}`;
  return null;
}

/** Every property name on the built-in prototypes a pollution would reach. */
function prototypeShapes(): string {
  return JSON.stringify(
    [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype].map((proto) =>
      Reflect.ownKeys(proto).map(String).sort(),
    ),
  );
}

function expectNotPolluted(before: string): void {
  expect(prototypeShapes()).toBe(before);
  expect(POLLUTION_KEY in {}).toBe(false);
  expect((Object.prototype as Record<string, unknown>)[POLLUTION_KEY]).toBeUndefined();
}

/** Every file below a folder with its size: nothing may appear, vanish or change length. */
function tree(root: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else out[path] = stat.size;
    }
  };
  walk(root);
  return out;
}

describe('hostile input: every generated request is refused and nothing changes', () => {
  let server: ApiHarness;
  let realId: string;
  let prototypesBefore: string;

  /** The whole observable state: rows, attempts, settings, the engine's view, the files. */
  const state = async () => ({
    rows: server.engine.store.listDownloads(),
    attempts: server.engine.store.listAttempts(realId),
    storedSettings: server.engine.store.readSettings(),
    settings: await server.engine.manager.getSettings(),
    snapshots: await server.engine.manager.list(),
    files: tree(server.engine.downloads),
  });

  beforeAll(async () => {
    prototypesBefore = prototypeShapes();
    const origin = await startFaultOrigin({ '/done.bin': { content: randomBytesSeeded(64 * 1024, 8) } });
    try {
      server = await startApi();
      const started = await server.api.post('/api/downloads/start', { url: origin.url('/done.bin') });
      expect(started.status).toBe(201);
      realId = (started.json as { id: string }).id;
      await server.engine.waitForStatus(realId, 'completed');
    } finally {
      await origin.close();
    }
  });

  afterAll(async () => {
    await server?.close();
  });

  it(`REST: ${REST_COUNT.toLocaleString('en')} hostile requests all get a 4xx {error:{code,message}}; the server stays up and nothing changes`, async () => {
    const before = await state();
    const rng = createRng(SEED);
    const requests = Array.from({ length: REST_COUNT }, () => restRequest(rng, { port: server.port, token: TEST_TOKEN, realId }));
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    const retried = { count: 0 };
    const health = async () => {
      const reply = await send(agent, server.port, {
        kind: 'auth',
        method: 'GET',
        path: '/api/settings',
        headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${TEST_TOKEN}` },
      });
      expect(reply.status, `health check: ${reply.text.slice(0, 200)}`).toBe(200);
    };

    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index]!;
        try {
          const reply = await send(agent, server.port, request, retried);
          const key = `${request.kind} ${reply.status}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          const problem = problemWith(request, reply);
          if (problem) failures.push(`${problem}\n    ${describeRequest(index, request)}`);
        } catch (error) {
          failures.push(`${(error as Error).message}\n    ${describeRequest(index, request)}`);
        }
        if (index % 1000 === 999) await health();
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await health();
    } finally {
      agent.destroy();
    }

    const summary = [...statuses.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    console.log(
      `REST fuzz, seed ${SEED}: ${requests.length} requests (${retried.count} resent after a pooled connection closed)\n  ${summary.join('\n  ')}`,
    );
    if (failures.length > 0) writeFileSync(join(tmpdir(), `steadfast-fuzz-rest-${SEED}.txt`), failures.join('\n'));
    expect(failures.slice(0, 20), `${failures.length} bad replies (first 20 shown; all in ${join(tmpdir(), `steadfast-fuzz-rest-${SEED}.txt`)})`).toEqual([]);
    // Every kind of poison was exercised.
    if (REST_COUNT >= 1000) expect(new Set(requests.map((r) => r.kind)).size).toBe(10);
    expect(await state()).toEqual(before);
    expectNotPolluted(prototypesBefore);
  }, 120_000);

  it(`IPC: ${IPC_COUNT.toLocaleString('en')} hostile calls all come back as {ok:false} with a refusal code; nothing changes`, async () => {
    const before = await state();
    const pair = ipcPair(PAGE);
    const shellCalls: string[] = [];
    const files = createFileActions(server.engine.manager, {
      openPath: async (path) => {
        shellCalls.push(`open ${path}`);
        return '';
      },
      showItemInFolder: (path) => shellCalls.push(`show ${path}`),
    });
    const unregister = registerIpcHandlers(pair.ipcMain, server.engine.manager, files, trustedSender(PAGE));
    const unsubscribe = server.engine.manager.onChanged((change) => pair.send(CHANGED_CHANNEL, change));

    const rng = createRng(SEED ^ 0x1fc);
    const failures: string[] = [];
    const codes = new Map<string, number>();
    const allowed: Record<IpcCall['kind'], readonly string[]> = {
      foreign: ['FORBIDDEN'],
      arity: ['INVALID_ARGUMENT'],
      id: ['INVALID_ARGUMENT', 'NOT_FOUND'],
      state: ['INVALID_ARGUMENT', 'INVALID_STATE'],
      args: ['INVALID_ARGUMENT'],
      channel: [],
    };
    const show = (index: number, call: IpcCall) => {
      let args: string;
      try {
        args = JSON.stringify(call.args, (_key, value: unknown) =>
          typeof value === 'bigint' ? `${value}n` : typeof value === 'string' && value.length > 80 ? `${value.slice(0, 80)}…(${value.length})` : value,
        );
      } catch {
        args = String(call.args);
      }
      return `#${index} [${call.kind}] ${call.channel}(${args.slice(0, 300)}) from ${call.frameUrl}`;
    };
    try {
      for (let index = 0; index < IPC_COUNT; index += 1) {
        const call = ipcCall(rng, { page: PAGE, realId });
        pair.frame.url = call.frameUrl;
        let result: unknown;
        try {
          result = await pair.ipcRenderer.invoke(call.channel, ...call.args);
        } catch (error) {
          if (call.kind === 'channel' && /^No handler registered for /.test((error as Error).message)) {
            codes.set('channel (no handler)', (codes.get('channel (no handler)') ?? 0) + 1);
          } else failures.push(`threw ${(error as Error).message}\n    ${show(index, call)}`);
          continue;
        }
        const envelope = result as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
        const code = String(envelope?.error?.code);
        codes.set(`${call.kind} ${code}`, (codes.get(`${call.kind} ${code}`) ?? 0) + 1);
        if (
          envelope?.ok !== false ||
          Object.keys(envelope).sort().join() !== 'error,ok' ||
          !allowed[call.kind].includes(code) ||
          typeof envelope.error?.message !== 'string' ||
          envelope.error.message.length === 0
        ) {
          failures.push(`${JSON.stringify(result)?.slice(0, 300)}\n    ${show(index, call)}`);
        }
      }
    } finally {
      pair.frame.url = PAGE;
      unsubscribe();
      unregister();
    }

    const summary = [...codes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    console.log(`IPC fuzz, seed ${SEED ^ 0x1fc}: ${IPC_COUNT} calls\n  ${summary.join('\n  ')}`);
    expect(failures.slice(0, 20), `${failures.length} bad results (first 20 shown)`).toEqual([]);
    if (IPC_COUNT >= 1000) expect(new Set([...codes.keys()].map((key) => key.split(' ')[0])).size).toBe(6);
    expect(shellCalls).toEqual([]);
    expect(await state()).toEqual(before);
    expectNotPolluted(prototypesBefore);
  }, 120_000);

  // ---- Holes these fuzzers found (all fixed): each rule pinned by its own test.

  const raw = (method: string, path: string, headers: Record<string, string> = {}) =>
    rawRequest(server.port, method, path, { headers: { host: `127.0.0.1:${server.port}`, ...headers } });

  it('a percent-encoded "/api" prefix does not skip the token (GET /%61pi/settings)', async () => {
    for (const path of ['/%61pi/settings', '/%61pi/downloads', '/ap%69/settings', `/%61pi/downloads/${realId}`]) {
      expect((await raw('GET', path)).status, path).toBe(401);
    }
  });

  it('an absolute-form request target does not skip the token', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1');
      let out = '';
      socket.on('data', (chunk) => (out += chunk.toString()));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
      socket.end(`GET http://127.0.0.1:${server.port}/api/settings HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
    });
    expect(reply.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
  });

  it('a malformed or over-long path gets the API\'s {error:{code,message}}', async () => {
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    for (const path of ['/api/downloads/%E0%A4%A', '/api/downloads/%ZZ', '/api/settings%', `/api/downloads/${'a'.repeat(101)}`]) {
      const reply = await raw('GET', path, auth);
      expect(reply.status, path).toBeGreaterThanOrEqual(400);
      expect(reply.json, path).toMatchObject({ error: { code: expect.stringMatching(/^(INVALID_ARGUMENT|NOT_FOUND)$/), message: expect.any(String) } });
    }
  });

  it('headers over 16 KiB get a 431 in the API\'s shape, on a connection that says it closes', async () => {
    // (The request says `Connection: close` itself, so no pooled connection is reused after it.)
    const reply = await raw('GET', '/api/settings', { authorization: `Bearer ${TEST_TOKEN}`, connection: 'close', 'x-big': 'x'.repeat(17 * 1024) });
    expect(reply.status).toBe(431);
    expect(reply.headers.connection).toBe('close');
    expect(reply.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  });

  it('an IPC argument that is a Date, Map, Set or Error is refused, not read as `{}`', async () => {
    const pair = ipcPair(PAGE);
    const files = createFileActions(server.engine.manager, { openPath: async () => '', showItemInFolder: () => undefined });
    const unregister = registerIpcHandlers(pair.ipcMain, server.engine.manager, files, trustedSender(PAGE));
    try {
      for (const value of [new Date(0), new Map(), new Set(), new Error('x')]) {
        expect(await pair.ipcRenderer.invoke('downloads:updateSettings', value)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      }
    } finally {
      unregister();
    }
  });
});
