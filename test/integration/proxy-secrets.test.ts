import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { type ApiHarness, startApi } from '../support/api-server.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.js';

const content = randomBytesSeeded(64 * 1024, 1503);
const PASSWORD = 'rest-pr0xy-pw-do-not-print';

describe('the proxy password over REST', () => {
  let proxy: Tinyproxy | undefined;
  let server: ApiHarness | undefined;
  let origin: Server | undefined;
  afterEach(async () => {
    await server?.close();
    origin?.closeAllConnections();
    await new Promise((resolve) => (origin ? origin.close(resolve) : resolve(undefined)));
    await proxy?.close();
    proxy = server = origin = undefined;
  });

  it('is write-only: PATCH takes it in the URL, no response, snapshot, error or the database shows it, and downloads use it', async () => {
    proxy = await startTinyproxy({ basicAuth: { user: 'bob', password: PASSWORD } });
    origin = createServer((_request, response) => response.writeHead(200, { 'content-length': content.length }).end(content));
    await new Promise<void>((resolve) => origin!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(origin.address() as { port: number }).port}/rest.bin`;
    server = await startApi();
    const { api } = server;

    const patched = await api.patch('/api/settings', { proxy: `http://bob:${PASSWORD}@${proxy.host}` });
    expect(patched.json).toMatchObject({ proxy: `http://bob@${proxy.host}`, proxy_password_set: true });
    const started = (await api.post('/api/downloads/start', { url })).json as DownloadSnapshot;
    const waitFor = async (id: string, done: (s: DownloadSnapshot) => boolean) => {
      for (let i = 0; i < 200; i += 1) {
        const snapshot = (await api.get(`/api/downloads/${id}`)).json as DownloadSnapshot;
        if (done(snapshot)) return snapshot;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`download ${id} did not finish`);
    };
    expect((await waitFor(started.id, (s) => s.status === 'completed' || s.status === 'failed')).status).toBe('completed');
    expect(proxy.requests()).toEqual([{ method: 'GET', target: url }]);

    // A wrong password: the failure names the proxy, never a password.
    await api.patch('/api/settings', { proxy_password: 'wrong-one' });
    const failing = (await api.post('/api/downloads/start', { url: `${url}?again` })).json as DownloadSnapshot;
    const failed = await waitFor(failing.id, (s) => s.status === 'failed' || s.status === 'completed');
    expect([failed.error_code, failed.error_message]).toEqual([
      'UNAUTHORIZED',
      `127.0.0.1:${new URL(url).port} requires a login, or the proxy ${proxy.host} refused its user name and password (HTTP 401)`,
    ]);

    const seen = [
      patched.text,
      (await api.get('/api/settings')).text,
      (await api.get('/api/downloads')).text,
      (await api.get(`/api/downloads/${failing.id}/attempts`)).text,
      readFileSync(server.engine.dbPath).toString('latin1'),
    ].join('\n');
    expect(seen).not.toContain(PASSWORD);
    expect(seen).not.toContain('wrong-one');
  });
});
