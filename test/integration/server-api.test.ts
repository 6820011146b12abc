import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { openEventStream, rawRequest } from '../support/api-client.js';
import { type ApiHarness, startApi, TEST_TOKEN } from '../support/api-server.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const SIZE = 1024 * 1024;
const content = randomBytesSeeded(SIZE, 71);

describe('REST API', () => {
  let origin: FaultOrigin;
  let server: ApiHarness;
  afterEach(async () => {
    await server?.close();
    await origin?.close();
  });

  const waitStatus = async (id: string, status: string) => {
    for (let i = 0; i < 400; i++) {
      const { json } = await server.api.get(`/api/downloads/${id}`);
      if ((json as DownloadSnapshot).status === status) return json as DownloadSnapshot;
      await sleep(25);
    }
    throw new Error(`${id} never became ${status}`);
  };

  it("the original retry/resume brief's own flow: start, poll progress through a pending retry, completed", async () => {
    origin = await startFaultOrigin({ '/video.mp4': { content } });
    origin.script('/video.mp4', { kind: 'drop-after', bytes: SIZE / 2 });
    server = await startApi({ initial_delay_seconds: 3 });
    const started = await server.api.post('/api/downloads/start', { url: origin.url('/video.mp4') });
    expect(started.status).toBe(201);
    const { id } = started.json as DownloadSnapshot;

    let progress: Record<string, unknown> = {};
    for (let i = 0; i < 200 && progress.status !== 'retrying'; i++) {
      progress = (await server.api.get(`/api/downloads/${id}/progress`)).json as Record<string, unknown>;
      await sleep(20);
    }
    expect(Object.keys(progress).sort()).toEqual(['downloaded_bytes', 'error_message', 'failed_count', 'id', 'progress', 'retry_info', 'status']);
    expect(progress).toMatchObject({
      id,
      status: 'retrying',
      failed_count: 1,
      error_message: expect.stringMatching(/^Connection to 127\.0\.0\.1:\d+ was lost$/),
      retry_info: { current_attempt: 2, max_attempts: 5, next_retry_in: '3 seconds' },
    });
    expect(typeof progress.downloaded_bytes).toBe('string');
    expect(Number(progress.downloaded_bytes)).toBeGreaterThan(0);
    expect(Object.keys(progress.retry_info as object).sort()).toEqual(['current_attempt', 'max_attempts', 'next_retry_in']);
    await sleep(1100);
    const later = (await server.api.get(`/api/downloads/${id}/progress`)).json as { retry_info: { next_retry_in: string } };
    expect(later.retry_info.next_retry_in).toBe('2 seconds');

    await waitStatus(id, 'completed');
    const done = (await server.api.get(`/api/downloads/${id}/progress`)).json;
    expect(done).toEqual({
      id,
      status: 'completed',
      progress: 100,
      downloaded_bytes: String(SIZE),
      failed_count: 1,
      error_message: null,
      retry_info: { current_attempt: 2, max_attempts: 5, next_retry_in: null },
    });
  });

  it('every route', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content }, '/b.bin': { content } });
    origin.throttle(SIZE);
    server = await startApi();
    const { api } = server;

    const a = (await api.post('/api/downloads/start', { url: origin.url('/a.bin'), filename: 'first.bin' })).json as DownloadSnapshot;
    expect(a.filename).toBe('first.bin');
    const list = (await api.get('/api/downloads')).json as { downloads: DownloadSnapshot[] };
    expect(list.downloads.map((d) => d.id)).toEqual([a.id]);
    expect((await api.get(`/api/downloads/${a.id}`)).json).toMatchObject({ id: a.id, source: { kind: 'http', url: origin.url('/a.bin') } });

    await sleep(200);
    expect((await api.post(`/api/downloads/${a.id}/pause`)).json).toMatchObject({ status: 'paused' });
    expect((await api.patch(`/api/downloads/${a.id}`, { speed_limit: 65536 })).json).toMatchObject({ speed_limit: 65536 });
    expect((await api.patch(`/api/downloads/${a.id}`, { speed_limit: null })).json).toMatchObject({ speed_limit: null });
    const moved = await api.patch(`/api/downloads/${a.id}`, { url: origin.url('/b.bin') });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ status: 'paused', source: { kind: 'http', url: origin.url('/b.bin') } });
    origin.throttle(null);
    expect((await api.post(`/api/downloads/${a.id}/resume`)).status).toBe(200);
    const done = await waitStatus(a.id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    const attempts = (await api.get(`/api/downloads/${a.id}/attempts`)).json as { attempts: { error_message: string | null }[] };
    expect(attempts.attempts.map((t) => t.error_message)).toEqual(['Paused', null]);

    const restartCompleted = await api.post(`/api/downloads/${a.id}/restart`);
    expect(restartCompleted.status).toBe(409);
    expect(restartCompleted.json).toEqual({ error: { code: 'INVALID_STATE', message: 'Cannot restart a download that is completed' } });

    origin.throttle(SIZE);
    const b = (await api.post('/api/downloads/start', { url: origin.url('/b.bin') })).json as DownloadSnapshot;
    expect((await api.post(`/api/downloads/${b.id}/cancel`)).json).toMatchObject({ status: 'cancelled', downloaded_bytes: '0' });
    origin.throttle(null);
    expect((await api.post(`/api/downloads/${b.id}/restart`)).json).toMatchObject({ status: expect.stringMatching(/queued|downloading/) });
    await waitStatus(b.id, 'completed');

    expect((await api.delete(`/api/downloads/${a.id}?delete_file=true`)).status).toBe(204);
    expect((await api.get(`/api/downloads/${a.id}`)).status).toBe(404);

    const settings = await api.get('/api/settings');
    expect(settings.json).toMatchObject({ max_attempts: 5, backoff: 'exponential', s3_secret_access_key_set: false });
    const patched = await api.patch('/api/settings', { max_concurrent: 2, s3_secret_access_key: 'hunter2-secret-value' });
    expect(patched.json).toMatchObject({ max_concurrent: 2, s3_secret_access_key_set: true });
    expect(patched.text).not.toContain('hunter2-secret-value');
    expect((await api.get('/api/settings')).text).not.toContain('hunter2-secret-value');
    expect((await api.patch('/api/settings', { max_attempts: 0 })).json).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: 'max_attempts: Too small: expected number to be >=1' },
    });
  });

  it('serves the UI page without a token, with a strict content security policy', async () => {
    server = await startApi();
    const page = await rawRequest(server.port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Steadfast</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the door: token, Host and Origin', () => {
  let server: ApiHarness;
  afterEach(async () => server?.close());

  it('refuses a missing, wrong or malformed token with 401', async () => {
    server = await startApi();
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TEST_TOKEN}`, `Bearer ${TEST_TOKEN} x`, `bearer${TEST_TOKEN}`]) {
      const response = await rawRequest(server.port, 'GET', '/api/downloads', {
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.status).toBe(401);
      expect((response.json as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('refuses foreign Host headers (DNS rebinding) and cross-origin pages, with no CORS grant', async () => {
    server = await startApi();
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    const port = server.port;
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', `localhost.evil.example:${port}`]) {
      const response = await rawRequest(port, 'GET', '/api/downloads', { headers: { ...auth, host } });
      expect(response.status).toBe(403);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await rawRequest(port, 'GET', '/api/downloads', { headers: { ...auth, host } })).status).toBe(200);
    }
    const crossSite = await rawRequest(port, 'GET', '/api/downloads', { headers: { ...auth, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await rawRequest(port, 'OPTIONS', '/api/downloads/start', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const sameOrigin = await rawRequest(port, 'GET', '/api/downloads', { headers: { ...auth, origin: `http://127.0.0.1:${port}` } });
    expect(sameOrigin.status).toBe(200);
  });
});

describe('hostile requests', () => {
  let server: ApiHarness;
  afterEach(async () => server?.close());

  it('50 malformed requests all get a 4xx JSON error and leave the database unchanged', async () => {
    server = await startApi();
    const { api, engine } = server;
    const origin = await startFaultOrigin({ '/f.bin': { content } });
    try {
      const kept = (await api.post('/api/downloads/start', { url: origin.url('/f.bin') })).json as DownloadSnapshot;
      await (async () => {
        for (let i = 0; i < 200 && (await engine.manager.get(kept.id)).status !== 'completed'; i++) await sleep(25);
      })();
      const before = JSON.stringify([engine.store.listDownloads(), engine.store.readSettings()]);
      const id = kept.id;
      type Options = { body: string; headers: Record<string, string> };
      const json = (body: string): Options => ({ body, headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' } });
      const requests: [string, string, Options | undefined][] = [
        ['POST', '/api/downloads/start', json('{')],
        ['POST', '/api/downloads/start', json('')],
        ['POST', '/api/downloads/start', json('null')],
        ['POST', '/api/downloads/start', json('[]')],
        ['POST', '/api/downloads/start', json('"http://x"')],
        ['POST', '/api/downloads/start', json('{}')],
        ['POST', '/api/downloads/start', json('{"url": 5}')],
        ['POST', '/api/downloads/start', json('{"url": "ftp://127.0.0.1/x"}')],
        ['POST', '/api/downloads/start', json('{"url": "file:///etc/passwd"}')],
        ['POST', '/api/downloads/start', json('{"url": "javascript:alert(1)"}')],
        ['POST', '/api/downloads/start', json('{"url": "http://127.0.0.1/x", "dest_dir": "../../etc"}')],
        ['POST', '/api/downloads/start', json('{"url": "http://127.0.0.1/x", "dest_dir": "/tmp/\\u0000x"}')],
        ['POST', '/api/downloads/start', json('{"url": "http://127.0.0.1/x", "sha256": "abc"}')],
        ['POST', '/api/downloads/start', json('{"url": "http://127.0.0.1/x", "filename": ""}')],
        ['POST', '/api/downloads/start', json(`{"url": "http://127.0.0.1/x", "filename": "${'a'.repeat(300)}"}`)],
        ['POST', '/api/downloads/start', json('{"url": "http://127.0.0.1/x", "extra": true}')],
        ['POST', '/api/downloads/start', json('{"url": "http://127.0.0.1/x", "__proto__": {"admin": true}}')],
        ['POST', '/api/downloads/start', json('{"constructor": {"prototype": {}}}')],
        ['POST', '/api/downloads/start', json('{"s3": {"bucket": "a/b", "key": "k"}}')],
        ['POST', '/api/downloads/start', json('{"s3": "s3://a/b"}')],
        ['POST', '/api/downloads/start', json('{"content_id": "abc", "quality": "720p"}')],
        ['POST', '/api/downloads/start', json('{"content_id": "../x", "quality": "720p"}')],
        ['POST', '/api/downloads/start', json(`{"url": "http://127.0.0.1/${'x'.repeat(70 * 1024)}"}`)],
        ['POST', '/api/downloads/start', { body: 'url=http://x', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' } }],
        ['POST', '/api/downloads/start', { body: '{"url":"http://127.0.0.1/x"}', headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'text/plain' } }],
        ['POST', '/api/downloads/start', { body: '{"url":"http://127.0.0.1/x"}', headers: { 'content-type': 'application/json' } }],
        ['GET', '/api/downloads/..%2F..%2Fetc', undefined],
        ['GET', `/api/downloads/${'x'.repeat(100)}`, undefined],
        ['GET', '/api/downloads/no-such-id', undefined],
        ['GET', '/api/downloads/no-such-id/progress', undefined],
        ['POST', '/api/downloads/no-such-id/pause', undefined],
        ['POST', `/api/downloads/${id}/restart`, undefined],
        ['POST', `/api/downloads/${id}/pause`, undefined],
        ['POST', `/api/downloads/${id}/cancel`, undefined],
        ['POST', `/api/downloads/${id}/explode`, undefined],
        ['PATCH', `/api/downloads/${id}`, json('{"url": "http://127.0.0.1/new"}')],
        ['PATCH', `/api/downloads/${id}`, json('{"url": "ftp://x"}')],
        ['PATCH', `/api/downloads/${id}`, json('{"status": "completed"}')],
        ['PATCH', `/api/downloads/${id}`, json('[]')],
        ['DELETE', `/api/downloads/${id}?delete_file=yes`, undefined],
        ['DELETE', `/api/downloads/${id}?drop_table=1`, undefined],
        ['DELETE', '/api/downloads/no-such-id', undefined],
        ['PATCH', '/api/settings', json('{"max_attempts": 0}')],
        ['PATCH', '/api/settings', json('{"max_attempts": 1e309}')],
        ['PATCH', '/api/settings', json('{"max_attempts": "5"}')],
        ['PATCH', '/api/settings', json('{"backoff": "linear"}')],
        ['PATCH', '/api/settings', json('{"download_dir": "relative/dir"}')],
        ['PATCH', '/api/settings', json('{"s3_secret_access_key_set": true}')],
        ['PATCH', '/api/settings', json('{"catalog": {"bucket": "b", "key_template": "{evil}", "filename_template": "x"}}')],
        ['PUT', '/api/settings', json('{}')],
      ];
      expect(requests).toHaveLength(50);
      for (const [method, path, options] of requests) {
        const response = await rawRequest(server.port, method, path, options ?? { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
        expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
        expect(response.json, `${method} ${path}`).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
      expect(JSON.stringify([engine.store.listDownloads(), engine.store.readSettings()])).toBe(before);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      const tooLarge = await rawRequest(server.port, 'POST', '/api/downloads/start', json(`{"url": "http://127.0.0.1/${'x'.repeat(70 * 1024)}"}`));
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.json).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than 64 KiB' } });
    } finally {
      await origin.close();
    }
  });
});

describe('server-sent events', () => {
  let origin: FaultOrigin;
  let server: ApiHarness;
  afterEach(async () => {
    await server?.close();
    await origin?.close();
  });

  it('start with the whole list, deliver states in order, beat while idle, and resync on reconnect', async () => {
    origin = await startFaultOrigin({ '/f.bin': { content } });
    origin.script('/f.bin', { kind: 'status', status: 503 });
    server = await startApi({ initial_delay_seconds: 0.5 }, { heartbeatMs: 100 });
    const stream = await openEventStream(server.port, TEST_TOKEN);
    await sleep(50);
    expect(stream.events[0]).toEqual({ event: 'snapshot', data: { downloads: [] } });

    const { id } = (await server.api.post('/api/downloads/start', { url: origin.url('/f.bin') })).json as DownloadSnapshot;
    for (let i = 0; i < 200; i++) {
      const last = stream.events.at(-1)?.data as { snapshots?: DownloadSnapshot[] } | undefined;
      if (last?.snapshots?.some((s) => s.id === id && s.status === 'completed')) break;
      await sleep(25);
    }
    const statuses: string[] = [];
    let batches = 0;
    for (const { event, data } of stream.events.slice(1)) {
      expect(event).toBe('changed');
      batches += 1;
      for (const snapshot of (data as { snapshots: DownloadSnapshot[] }).snapshots) {
        if (snapshot.id === id && statuses.at(-1) !== snapshot.status) statuses.push(snapshot.status);
      }
    }
    expect(statuses.join(',')).toMatch(/^(queued,)?(downloading,)?retrying,(queued,)?downloading,completed$/);
    expect(batches).toBeGreaterThan(1);
    await sleep(250);
    expect(stream.comments).toBeGreaterThanOrEqual(2);
    stream.close();

    const again = await openEventStream(server.port, TEST_TOKEN);
    await sleep(50);
    expect(again.events[0]!.event).toBe('snapshot');
    expect((again.events[0]!.data as { downloads: DownloadSnapshot[] }).downloads).toMatchObject([{ id, status: 'completed' }]);
    again.close();
  });

  it('at most 10 change events a second reach a client, however many downloads move', async () => {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`/f${i}.bin`, { content: randomBytesSeeded(4 * SIZE, 200 + i) }]));
    origin = await startFaultOrigin(files);
    origin.throttle(2 * SIZE);
    server = await startApi({ max_concurrent: 20 });
    const stream = await openEventStream(server.port, TEST_TOKEN);
    const arrivals: number[] = [];
    const seen = stream.events.length;
    const posting = Date.now();
    for (let i = 0; i < 20; i++) await server.api.post('/api/downloads/start', { url: origin.url(`/f${i}.bin`) });
    const started = Date.now();
    while (Date.now() - started < 2500) {
      for (let k = seen + arrivals.length; k < stream.events.length; k++) arrivals.push(Date.now());
      await sleep(5);
    }
    const ended = Date.now();
    stream.close();
    const active = (await server.api.get('/api/downloads')).json as { downloads: DownloadSnapshot[] };
    expect(active.downloads.filter((d) => d.status === 'downloading')).toHaveLength(20);
    // The server sends a batch at most every 100 ms: over the run that is at most 10 a second.
    // (Arrivals can bunch when the machine is busy, so one second alone may show a few more;
    // an event per download and change would show hundreds.)
    expect(arrivals.length).toBeLessThanOrEqual(Math.ceil((ended - posting) / 100) + 1);
    for (const at of arrivals) expect(arrivals.filter((t) => t >= at && t < at + 1000).length).toBeLessThanOrEqual(15);
    expect(arrivals.length).toBeGreaterThan(15);
  });

  it('requires the token', async () => {
    server = await startApi();
    await expect(openEventStream(server.port, 'wrong-token-0123456789')).rejects.toThrow('events: HTTP 401');
  });
});
