import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/api-client.js';
import { type ApiHarness, startApi, TEST_TOKEN } from '../support/api-server.js';

const EXTENSION = `chrome-extension://${'abcdefghijklmnop'.repeat(2)}`;
const OTHER = `chrome-extension://${'a'.repeat(32)}`;

/** The REST door and CORS for the browser extension, as `serve` runs them (ARCHITECTURE.md §7). */
describe('the REST API and the browser extension', () => {
  let api: ApiHarness;
  afterEach(async () => api.close());

  const preflight = (path: string, origin?: string) =>
    rawRequest(api.port, 'OPTIONS', path, {
      headers: { ...(origin === undefined ? { authorization: `Bearer ${TEST_TOKEN}` } : { origin }), 'access-control-request-method': 'POST' },
    });
  const pair = (origin: string, code: unknown) =>
    rawRequest(api.port, 'POST', '/api/extension/pair', {
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });

  it('answers preflights for the pairing route to any extension, and for the rest to the paired one only', async () => {
    api = await startApi();
    let answer = await preflight('/api/extension/pair', OTHER);
    expect([answer.status, answer.headers['access-control-allow-origin']]).toEqual([204, OTHER]);
    answer = await preflight('/api/downloads/start', EXTENSION);
    expect([answer.status, answer.headers['access-control-allow-origin']]).toEqual([403, undefined]);

    const { code } = (await api.api.post('/api/extension/code')).json as { code: string };
    expect((await pair(EXTENSION, { code, extra: 1 })).status).toBe(400);
    expect((await pair(EXTENSION, 42)).status).toBe(400);
    expect((await pair(EXTENSION, code)).status).toBe(201);

    answer = await preflight('/api/downloads/start', EXTENSION);
    expect([answer.status, answer.headers['access-control-allow-origin'], answer.headers['access-control-allow-headers']]).toEqual([
      204,
      EXTENSION,
      'authorization, content-type',
    ]);
    expect((await preflight('/api/downloads/start', OTHER)).status).toBe(403);
    expect((await preflight('/api/downloads/start', 'https://evil.example')).status).toBe(403);
    // Without an Origin there is no preflight to answer: the route does not exist, as before.
    expect((await preflight('/api/downloads/start')).status).toBe(404);
  });

  it('a pairing needs an extension origin and the live code; GET /api/extension shows no token', async () => {
    api = await startApi();
    expect((await pair(EXTENSION, 'ABCD-EFGH')).status).toBe(403);
    const { code } = (await api.api.post('/api/extension/code')).json as { code: string };
    const noOrigin = await rawRequest(api.port, 'POST', '/api/extension/pair', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    expect(noOrigin.status).toBe(403);
    const granted = await pair(EXTENSION, code.toLowerCase());
    expect(granted.status).toBe(201);
    const state = await api.api.get('/api/extension');
    expect(state.json).toEqual({
      extensions: [{ id: 'abcdefghijklmnop'.repeat(2), origin: EXTENSION, paired_at: expect.any(Number), accepting: true }],
      code: null,
      code_expires_at: null,
    });
    const token = (granted.json as { token: string }).token;
    expect(state.text).not.toContain(token);
    // Its status names the extension its token pairs.
    const status = await rawRequest(api.port, 'GET', '/api/extension/status', { headers: { authorization: `Bearer ${token}` } });
    expect([status.status, status.json]).toEqual([200, { origin: EXTENSION }]);
  });

  it('two browsers paired at once: each works with its own token, revoking one leaves the other; a bad id is refused', async () => {
    api = await startApi();
    const pairWithCode = async (origin: string) => {
      const { code } = (await api!.api.post('/api/extension/code')).json as { code: string };
      return ((await pair(origin, code)).json as { token: string }).token;
    };
    const first = await pairWithCode(EXTENSION);
    const second = await pairWithCode(OTHER);
    const status = (origin: string, token: string) =>
      rawRequest(api!.port, 'GET', '/api/extension/status', { headers: { origin, authorization: `Bearer ${token}` } });
    expect([(await status(EXTENSION, first)).status, (await status(OTHER, second)).status]).toEqual([200, 200]);
    expect((await status(EXTENSION, second)).status).toBe(401);

    expect((await api.api.delete(`/api/extension/${'a'.repeat(32)}`)).status).toBe(204);
    expect((await status(OTHER, second)).status).toBe(403);
    expect((await status(EXTENSION, first)).status).toBe(200);
    expect((await api.api.delete(`/api/extension/${'a'.repeat(32)}`)).status).toBe(404);
    const bad = await api.api.delete('/api/extension/not-an-extension');
    expect([bad.status, (bad.json as { error: { code: string } }).error.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const off = await api.api.patch(`/api/extension/${'abcdefghijklmnop'.repeat(2)}`, { accepting: false });
    expect((off.json as { extensions: { accepting: boolean }[] }).extensions.map((e) => e.accepting)).toEqual([false]);
  });
});
