import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { FileSecretStore } from '../../src-main/store/file-secret-store.js';
import { openEventStream } from '../support/api-client.js';
import { type ApiHarness, startApi, TEST_TOKEN } from '../support/api-server.js';
import { runCli } from '../support/cli-process.js';
import { tempDir } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const COOKIE = 'sid=ck-7f3a91-secret';
const AUTHORIZATION = 'Bearer tok-5d2e-secret';
const REFERER = 'https://portal.example/ref-9b1c-secret';
const USER_AGENT = 'agent-4e8f-secret';
const PASSWORD = 'pw-0a6d-secret';
const BASIC = `Basic ${Buffer.from(`carol:${PASSWORD}`).toString('base64')}`;
/** Every value that must stay in the secret store, and the forms it could leak in. */
const SECRETS = [COOKIE, AUTHORIZATION, REFERER, USER_AGENT, PASSWORD, BASIC, BASIC.slice('Basic '.length), 'ck-7f3a91', 'tok-5d2e', 'ref-9b1c', '4e8f', '0a6d'];

const withPassword = (url: string) => url.replace('http://', `http://carol:${PASSWORD}@`);

function expectNoSecret(texts: readonly string[]): void {
  for (const text of texts) for (const secret of SECRETS) expect(text, `a text holds ${secret}`).not.toContain(secret);
}

/** The database and its write-ahead log as bytes on disk, before and after a checkpoint. */
function databaseBytes(dbPath: string): Buffer[] {
  return [dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path));
}

function expectNotInFiles(files: readonly Buffer[]): void {
  expect(files.length).toBeGreaterThan(0);
  for (const bytes of files) for (const secret of SECRETS) expect(bytes.includes(secret), `the database holds ${secret}`).toBe(false);
}

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('request headers stay secret', () => {
  let origin: FaultOrigin;
  let api: ApiHarness | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
    await origin?.close();
  });

  it('no value reaches a REST response, an event, an error message or the database; removing a download deletes its entry', async () => {
    const content = randomBytesSeeded(256 * 1024, 161);
    origin = await startFaultOrigin({
      '/ok.bin': { content, requireHeaders: { authorization: BASIC, cookie: COOKIE } },
      '/denied.bin': { content, requireHeaders: { cookie: 'someone-else' } },
    });
    const root = tempDir();
    api = await startApi({}, { root, secrets: new FileSecretStore(root) });
    const events = await openEventStream(api.port, TEST_TOKEN);
    const texts: string[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await api!.api.call(method, path, body);
      texts.push(response.text);
      return response;
    };
    const waitFor = async (id: string, status: string): Promise<DownloadSnapshot> => {
      for (let i = 0; i < 400; i += 1) {
        const snapshot = (await call('GET', `/api/downloads/${id}`)).json as DownloadSnapshot;
        if (snapshot.status === status) return snapshot;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`${id} never became ${status}`);
    };
    try {
      const headers = { Cookie: COOKIE, Referer: REFERER, 'User-Agent': USER_AGENT };
      const ok = (await call('POST', '/api/downloads/start', { url: withPassword(origin.url('/ok.bin')), headers })).json as DownloadSnapshot;
      expect(ok.source).toEqual({ kind: 'http', url: origin.url('/ok.bin') });
      const denied = (await call('POST', '/api/downloads/start', { url: origin.url('/denied.bin'), headers: { ...headers, Authorization: AUTHORIZATION } }))
        .json as DownloadSnapshot;
      const port = await closedPort();
      const unreachable = (await call('POST', '/api/downloads/start', { url: withPassword(`http://127.0.0.1:${port}/gone.bin`), headers }))
        .json as DownloadSnapshot;

      expect((await waitFor(ok.id, 'completed')).downloaded_bytes).toBe(String(content.length));
      const refused = await waitFor(denied.id, 'failed');
      expect(refused.error_code).toBe('UNAUTHORIZED');
      const gone = await waitFor(unreachable.id, 'failed');
      expect(gone.error_message).toMatch(/^Max retries exceeded: /);
      // The headers were sent: the origin saw them, so their absence below means something.
      expect(origin.requests.find((r) => r.path === '/ok.bin')!.headers).toMatchObject({ cookie: COOKIE, authorization: BASIC, referer: REFERER });
      expect(origin.requests.find((r) => r.path === '/denied.bin')!.headers.authorization).toBe(AUTHORIZATION);

      for (const id of [ok.id, denied.id, unreachable.id]) {
        await call('GET', `/api/downloads/${id}/progress`);
        await call('GET', `/api/downloads/${id}/attempts`);
      }
      await call('GET', '/api/downloads');
      await call('GET', '/api/settings');
      expect(texts.join('\n')).toContain('Max retries exceeded');
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(events.events.length).toBeGreaterThan(3);
      expectNoSecret([...texts, ...events.events.map((event) => JSON.stringify(event))]);

      expectNotInFiles(databaseBytes(api.engine.dbPath));
      api.engine.store.db.pragma('wal_checkpoint(TRUNCATE)');
      expectNotInFiles(databaseBytes(api.engine.dbPath));

      // They live in the secret store alone: one entry per download, readable by its owner only.
      const file = join(root, 'secrets.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(Object.keys(stored).sort()).toEqual([ok.id, denied.id, unreachable.id].map((id) => `download-headers:${id}`).sort());
      expect(JSON.parse(stored[`download-headers:${ok.id}`]!)).toEqual({ ...headers, Authorization: BASIC });

      for (const id of [ok.id, denied.id]) expect((await call('DELETE', `/api/downloads/${id}`)).status).toBe(204);
      expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).toEqual([`download-headers:${unreachable.id}`]);
      expect((await call('DELETE', `/api/downloads/${unreachable.id}`)).status).toBe(204);
      const left = readFileSync(file, 'utf8');
      expect(JSON.parse(left)).toEqual({});
      for (const secret of SECRETS) expect(left).not.toContain(secret);
    } finally {
      events.close();
    }
  });

  it("the CLI's --json output, its progress lines and its database hold none of them, on success and on failure", async () => {
    const content = randomBytesSeeded(256 * 1024, 162);
    origin = await startFaultOrigin({
      '/cli.bin': { content, requireHeaders: { authorization: BASIC, cookie: COOKIE, referer: REFERER, 'user-agent': USER_AGENT } },
      '/no.bin': { content, requireHeaders: { cookie: 'someone-else' } },
    });
    const root = tempDir();
    const data = join(root, 'data');
    const flags = ['--cookie', COOKIE, '--referer', REFERER, '--header', `User-Agent: ${USER_AGENT}`, '--dir', join(root, 'dl'), '--data-dir', data, '--json'];
    const good = await runCli(['get', withPassword(origin.url('/cli.bin')), ...flags]).exited;
    expect(good.stderr).toContain('Saved ');
    expect(good.code).toBe(0);
    const final = JSON.parse(good.stdout) as DownloadSnapshot;
    expect(final).toMatchObject({ status: 'completed', source: { kind: 'http', url: origin.url('/cli.bin') } });
    expect(readFileSync(join(root, 'dl', 'cli.bin')).equals(content)).toBe(true);

    const bad = await runCli(['get', withPassword(origin.url('/no.bin')), ...flags, '--header', `Authorization: ${AUTHORIZATION}`]).exited;
    expect(bad.code).toBe(1);
    expect((JSON.parse(bad.stdout) as DownloadSnapshot).error_code).toBe('UNAUTHORIZED');
    expect(origin.requests.find((r) => r.path === '/no.bin')!.headers.authorization).toBe(AUTHORIZATION);

    expectNoSecret([good.stdout, good.stderr, bad.stdout, bad.stderr]);
    expectNotInFiles(databaseBytes(join(data, 'steadfast.db')));
    const stored = readFileSync(join(data, 'secrets.json'), 'utf8');
    expect(statSync(join(data, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(stored).toContain(`download-headers:${final.id}`);
  });

  it('a bad header name or value is refused with 400 INVALID_ARGUMENT naming the field, and nothing is added', async () => {
    api = await startApi();
    const cases: [unknown, string][] = [
      [{ 'X-Api-Key': 'k' }, 'headers.X-Api-Key: only Cookie, Authorization, Referer, User-Agent may be set'],
      [{ Host: 'evil.example' }, 'headers.Host: only Cookie, Authorization, Referer, User-Agent may be set'],
      [{ Cookie: 'a=b\r\nX-Injected: 1' }, 'headers.Cookie: a header value must not contain CR, LF, NUL'],
      [{ referer: 'x\0y' }, 'headers.referer: a header value must not contain CR, LF, NUL'],
      [{ 'User-Agent': 'u'.repeat(8193) }, 'headers.User-Agent: a header value is at most 8192 characters'],
      [{ Cookie: 'a', COOKIE: 'b' }, 'headers.COOKIE: Cookie is given twice'],
    ];
    for (const [headers, message] of cases) {
      const response = await api.api.post('/api/downloads/start', { url: 'http://127.0.0.1:9/f.bin', headers });
      expect(response.status).toBe(400);
      const { error } = response.json as { error: { code: string; message: string } };
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message.startsWith(message)).toBe(true);
      await expect(api.engine.api.add({ url: 'http://127.0.0.1:9/f.bin', headers: headers as Record<string, string> })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: error.message,
      });
    }
    // S3 has no request headers, nor does a URL sign-in mean anything there.
    const s3 = await api.api.post('/api/downloads/start', { url: 's3://bucket/key', headers: { Cookie: 'a=b' } });
    expect(s3.status).toBe(400);
    expect((s3.json as { error: { message: string } }).error.message).toMatch(/^headers: only http\(s\) downloads/);
    expect(await api.engine.manager.list()).toEqual([]);
  });
});
