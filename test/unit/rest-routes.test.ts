import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../src-main/contract/api.js';
import { API_METHOD_NAMES, type ApiMethod, generateMethods, type Params, routeOf } from '../../src-main/contract/methods.js';
import { fromRestReply, toRestRequest } from '../../src-main/contract/rest-mapping.js';
import { createHttpServer } from '../../src-main/server/http-server.js';

const TOKEN = 'unit-token-0123456789';
const ID = 'a1b2-c3';

/** Valid calls of every API method: each must reach the engine through its generated route. */
const CALLS: { [M in ApiMethod]: Params<M>[] } = {
  list: [[]],
  get: [[ID]],
  progress: [[ID]],
  add: [[{ url: 'http://127.0.0.1:9/x', filename: 'x.bin' }]],
  pause: [[ID]],
  resume: [[ID]],
  cancel: [[ID]],
  restart: [[ID]],
  changeSource: [[ID, 'http://127.0.0.1:9/y']],
  setSpeedLimit: [
    [ID, 4096],
    [ID, null],
  ],
  attempts: [[ID]],
  history: [[ID]],
  remove: [[ID], [ID, { delete_file: true }], [ID, { delete_file: false }]],
  getSettings: [[]],
  updateSettings: [[{ max_attempts: 3 }]],
  extensionPairing: [[]],
  startExtensionPairing: [[]],
  revokeExtension: [['abcdefghijklmnop'.repeat(2)]],
  setExtensionAccepting: [
    ['abcdefghijklmnop'.repeat(2), { accepting: false }],
    ['0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9', { accepting: true }],
  ],
};

describe('the generated REST routes', () => {
  let app: FastifyInstance;
  const calls: [string, unknown[]][] = [];
  afterEach(async () => {
    calls.length = 0;
    await app?.close();
  });

  async function start() {
    const engine = {
      ...generateMethods(API_METHOD_NAMES, (method) => async (...args) => {
        calls.push([method, args]);
        return { answered: method };
      }),
      onChanged: () => () => undefined,
    } as unknown as EngineApi;
    app = await createHttpServer({ engine, token: TOKEN, allowedHosts: new Set(['localhost']), rendererDir: null });
  }

  const inject = (verb: string, path: string, body?: unknown) =>
    app.inject({
      method: verb as 'GET',
      url: path,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it("carry every method's call from the browser client's request to the engine and its result back", async () => {
    await start();
    for (const method of API_METHOD_NAMES) {
      for (const args of CALLS[method] as unknown[][]) {
        calls.length = 0;
        const request = toRestRequest(method, args);
        const reply = await inject(request.verb, request.path, request.body);
        const label = `${method}(${JSON.stringify(args)}) as ${request.verb} ${request.path}`;
        const route = routeOf(method);
        expect(reply.statusCode, label).toBe(route.status ?? 200);
        expect(calls, label).toEqual([[method, expect.any(Array)]]);
        // Remove's options arrive as the flags the query carried, absent ones false.
        const expected = method === 'remove' ? [ID, { delete_file: (args[1] as { delete_file?: boolean } | undefined)?.delete_file === true }] : args;
        expect(calls[0]![1].slice(0, expected.length), label).toEqual(expected);
        const result = fromRestReply(route, reply.statusCode === 204 ? undefined : reply.json());
        expect(result, label).toEqual(route.status === 204 ? undefined : { answered: method });
      }
    }
  });

  it('answer in the shapes the API documents', async () => {
    await start();
    expect((await inject('GET', '/api/downloads')).json()).toEqual({ downloads: { answered: 'list' } });
    expect((await inject('GET', `/api/downloads/${ID}/attempts`)).json()).toEqual({ attempts: { answered: 'attempts' } });
    const created = await inject('POST', '/api/downloads/start', { url: 'http://127.0.0.1:9/x' });
    expect([created.statusCode, created.json()]).toEqual([201, { answered: 'add' }]);
    const removed = await inject('DELETE', `/api/downloads/${ID}`);
    expect([removed.statusCode, removed.body]).toEqual([204, '']);
    expect(calls.at(-1)).toEqual(['remove', [ID, { delete_file: false }]]);
  });

  it('tell PATCH /api/downloads/:id apart by its one key, and refuse a body that names neither', async () => {
    await start();
    await inject('PATCH', `/api/downloads/${ID}`, { url: 'http://127.0.0.1:9/y' });
    await inject('PATCH', `/api/downloads/${ID}`, { speed_limit: null });
    expect(calls.map(([method]) => method)).toEqual(['changeSource', 'setSpeedLimit']);
    const neither = {
      error: { code: 'INVALID_ARGUMENT', message: 'Send {"url": "<new link>"} to change the source, or {"speed_limit": <bytes per second | null>}' },
    };
    for (const body of [{ status: 'completed' }, [], { url: 'http://127.0.0.1:9/y', speed_limit: null }, {}, 'http://127.0.0.1:9/y']) {
      const reply = await inject('PATCH', `/api/downloads/${ID}`, body);
      expect([reply.statusCode, reply.json()], JSON.stringify(body)).toEqual([400, neither]);
    }
    expect(calls).toHaveLength(2);
  });

  it('take only delete_file=true|false on DELETE', async () => {
    await start();
    const refused = { error: { code: 'INVALID_ARGUMENT', message: 'The only query parameter is delete_file=true|false' } };
    for (const query of ['delete_file=yes', 'drop_table=1', 'delete_file=true&delete_file=false', 'delete_file=true&x=1', 'delete_file']) {
      const reply = await inject('DELETE', `/api/downloads/${ID}?${query}`);
      expect([reply.statusCode, reply.json()], query).toEqual([400, refused]);
    }
    expect(calls).toEqual([]);
  });

  it('check arguments before the engine sees them', async () => {
    await start();
    const reply = await inject('PATCH', `/api/downloads/${ID}`, { speed_limit: 10 });
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^speed_limit: /) } });
    expect((await inject('GET', '/api/downloads/bad%20id')).json()).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    expect(calls).toEqual([]);
  });
});
