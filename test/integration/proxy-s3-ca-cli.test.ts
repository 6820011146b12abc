import { createServer, type Server, type ServerResponse } from 'node:http';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { runCli } from '../support/cli-process.js';
import { startEngine, tempDir, type EngineHarness } from '../support/engine-harness.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { type LocalS3, S3RVER_KEY, startLocalS3 } from '../support/s3-fixtures.js';
import { startTinyproxy, type Tinyproxy } from '../support/tinyproxy.js';
import { makeAuthority, startTlsOrigin, type TlsOrigin } from '../support/tls-origin.js';

const content = randomBytesSeeded(200 * 1024, 1502);

async function finish(engine: EngineHarness, request: Parameters<EngineHarness['api']['add']>[0]) {
  const { id } = await engine.api.add(request);
  const done = await engine.waitFor(id, (s) => s.status === 'completed' || s.status === 'failed');
  return { ...done, path: join(engine.downloads, done.filename ?? '') };
}

describe('S3 through a proxy', () => {
  let proxy: Tinyproxy | undefined;
  let s3: LocalS3 | undefined;
  let engine: EngineHarness | undefined;
  afterEach(async () => {
    await engine?.close();
    await s3?.close();
    await proxy?.close();
    engine = s3 = proxy = undefined;
  });

  it('GetObject requests to the endpoint go through the proxy setting, and the object arrives whole', async () => {
    proxy = await startTinyproxy();
    s3 = await startLocalS3(['media']);
    await s3.put('media', 'videos/a.bin', content);
    const secrets = new MemorySecretStore();
    secrets.set('s3_secret_access_key', S3RVER_KEY.secretAccessKey);
    engine = startEngine({
      secrets,
      settings: { proxy: proxy.url, s3_endpoint: s3.endpoint, s3_region: 'us-east-1', s3_access_key_id: S3RVER_KEY.accessKeyId },
    });
    const done = await finish(engine, { url: 's3://media/videos/a.bin' });
    expect([done.status, done.error_message]).toEqual(['completed', null]);
    expect(readFileSync(done.path).equals(content)).toBe(true);
    // One connection, one GetObject, and it went through the proxy.
    expect(proxy.requests()).toEqual([{ method: 'GET', target: `${s3.endpoint}/media/videos/a.bin?x-id=GetObject` }]);
  });

  it('a proxy asking for a login fails at once with PROXY_AUTH_REQUIRED; one that is gone is PROXY_UNREACHABLE, retried', async () => {
    proxy = await startTinyproxy({ basicAuth: { user: 'alice', password: 'right' } });
    s3 = await startLocalS3(['media']);
    await s3.put('media', 'a.bin', content);
    const secrets = new MemorySecretStore();
    secrets.set('s3_secret_access_key', S3RVER_KEY.secretAccessKey);
    const s3Settings = { s3_endpoint: s3.endpoint, s3_region: 'us-east-1', s3_access_key_id: S3RVER_KEY.accessKeyId };
    engine = startEngine({ secrets, settings: { proxy: proxy.url, max_attempts: 2, ...s3Settings } });
    const refused = await finish(engine, { url: 's3://media/a.bin' });
    expect([refused.status, refused.error_code, refused.failed_count]).toEqual(['failed', 'PROXY_AUTH_REQUIRED', 1]);
    expect(refused.error_message).toBe(`The proxy ${proxy.host} requires a user name and password (HTTP 407)`);
    await engine.close();

    const gone = proxy.host;
    await proxy.close();
    proxy = undefined;
    engine = startEngine({ secrets, settings: { proxy: `http://${gone}`, max_attempts: 2, ...s3Settings } });
    const unreachable = await finish(engine, { url: 's3://media/a.bin' });
    expect([unreachable.status, unreachable.error_code, unreachable.failed_count]).toEqual(['failed', 'PROXY_UNREACHABLE', 2]);
    expect(unreachable.error_message).toBe(`Max retries exceeded: Could not reach the proxy ${gone} (connection refused)`);
  });
});

describe('the ca_file setting (a private CA)', () => {
  let tls: TlsOrigin | undefined;
  let engine: EngineHarness | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await engine?.close();
    await tls?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    engine = tls = dir = undefined;
  });

  it('without it a self-signed origin fails with TLS_ERROR; with its certificate in ca_file the download completes', async () => {
    tls = await startTlsOrigin((_request, response) => response.writeHead(200, { 'content-length': content.length }).end(content));
    dir = tempDir();
    const caFile = join(dir, 'private-ca.pem');
    writeFileSync(caFile, tls.certificate);
    engine = startEngine();
    const untrusted = await finish(engine, { url: tls.url('/a.bin') });
    expect([untrusted.status, untrusted.error_code, untrusted.failed_count]).toEqual(['failed', 'TLS_ERROR', 1]);

    expect((await engine.api.updateSettings({ ca_file: caFile })).ca_file).toBe(caFile);
    const trusted = await finish(engine, { url: tls.url('/b.bin') });
    expect([trusted.status, trusted.error_message]).toEqual(['completed', null]);
    expect(readFileSync(trusted.path).equals(content)).toBe(true);
  });

  it('a missing or non-PEM ca_file fails the download at once with CA_FILE_ERROR, saying which file and why', async () => {
    tls = await startTlsOrigin((_request, response) => response.writeHead(200, { 'content-length': content.length }).end(content));
    dir = tempDir();
    const missing = join(dir, 'missing.pem');
    engine = startEngine({ settings: { ca_file: missing } });
    const failed = await finish(engine, { url: tls.url('/a.bin') });
    expect([failed.status, failed.error_code, failed.failed_count]).toEqual(['failed', 'CA_FILE_ERROR', 1]);
    expect(failed.error_message).toBe(`Cannot read the CA file ${missing} (ENOENT)`);

    const notPem = join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    await engine.api.updateSettings({ ca_file: notPem });
    const garbage = await finish(engine, { url: tls.url('/b.bin') });
    expect([garbage.error_code, garbage.error_message]).toEqual(['CA_FILE_ERROR', `The CA file ${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`]);
    expect(tls.requests).toEqual([]);
  });

  it('through a proxy, the tunnel still checks the certificate: untrusted fails with TLS_ERROR, ca_file makes it complete', async () => {
    const proxy = await startTinyproxy();
    try {
      tls = await startTlsOrigin((_request, response) => response.writeHead(200, { 'content-length': content.length }).end(content));
      dir = tempDir();
      const caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, tls.certificate);
      const secrets = new MemorySecretStore();
      engine = startEngine({ secrets, settings: { proxy: proxy.url }, createSource: createSourceFactory({ secrets }) });
      expect((await finish(engine, { url: tls.url('/a.bin') })).error_code).toBe('TLS_ERROR');
      await engine.api.updateSettings({ ca_file: caFile });
      expect((await finish(engine, { url: tls.url('/b.bin') })).status).toBe('completed');
      expect(proxy.requests().filter((r) => r.method === 'CONNECT').length).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });

  it('a CA file edited in place reaches the next S3 request, with no settings change or restart', async () => {
    // An S3 endpoint over TLS with a self-signed certificate: GetObject answered with the object.
    tls = await startTlsOrigin((request, response) => {
      const first = Number(/^bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1] ?? 0);
      const headers = { 'content-length': content.length - first, etag: '"v1"', 'last-modified': new Date(0).toUTCString() };
      if (request.headers.range === undefined) response.writeHead(200, headers).end(content);
      else response.writeHead(206, { ...headers, 'content-range': `bytes ${first}-${content.length - 1}/${content.length}` }).end(content.subarray(first));
    });
    dir = tempDir();
    const caFile = join(dir, 'ca.pem');
    // At first the file holds another authority's certificate: the endpoint is not trusted.
    writeFileSync(caFile, makeAuthority('Some Other CA').certificate);
    const secrets = new MemorySecretStore();
    secrets.set('s3_secret_access_key', S3RVER_KEY.secretAccessKey);
    engine = startEngine({
      secrets,
      settings: { ca_file: caFile, s3_endpoint: tls.url(''), s3_region: 'us-east-1', s3_access_key_id: S3RVER_KEY.accessKeyId },
    });
    const untrusted = await finish(engine, { url: 's3://media/a.bin' });
    expect([untrusted.status, untrusted.error_code]).toEqual(['failed', 'TLS_ERROR']);

    writeFileSync(caFile, tls.certificate);
    await engine.api.restart(untrusted.id);
    const trusted = await engine.waitFor(untrusted.id, (s) => s.status === 'completed' || s.status === 'failed');
    expect([trusted.status, trusted.error_message]).toEqual(['completed', null]);
    expect(readFileSync(join(engine.downloads, trusted.filename)).equals(content)).toBe(true);
  });
});

describe('steadfast get with HTTP_PROXY', () => {
  let proxy: Tinyproxy | undefined;
  let server: Server | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await proxy?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    proxy = server = dir = undefined;
  });

  it('goes through the proxy the environment names; NO_PROXY sends it direct, where the origin refuses it', async () => {
    proxy = await startTinyproxy();
    // Serves only what tinyproxy forwarded (its Via header); anything direct gets 403.
    server = createServer((request, response) => {
      if (!/tinyproxy/i.test(request.headers.via ?? '')) return void response.writeHead(403, { 'content-length': 0 }).end();
      response.writeHead(200, { 'content-length': content.length }).end(content);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/cli.bin`;
    dir = tempDir();
    const args = (sub: string) => ['get', url, '--dir', join(dir!, sub), '--data-dir', join(dir!, `data-${sub}`), '--attempts', '1', '--json'];

    const through = await runCli(args('a'), { HTTP_PROXY: proxy.url, NO_PROXY: '' }).exited;
    expect(through.code).toBe(0);
    expect(readFileSync(join(dir, 'a', 'cli.bin')).equals(content)).toBe(true);
    expect(proxy.requests()).toEqual([{ method: 'GET', target: url }]);

    const direct = await runCli(args('b'), { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }).exited;
    expect(direct.code).toBe(1);
    expect((JSON.parse(direct.stdout) as { error_code: string }).error_code).toBe('ACCESS_DENIED');
    expect(proxy.requests()).toHaveLength(1);
  });
});

describe('steadfast get with a private authority', () => {
  const origins: TlsOrigin[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const origin of origins.splice(0)) await origin.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('--ca-file adds to NODE_EXTRA_CA_CERTS, never replaces it: both origins complete in one run each', async () => {
    const serve = (_request: unknown, response: ServerResponse) => response.writeHead(200, { 'content-length': content.length }).end(content);
    const [byEnvironment, byFile] = [await startTlsOrigin(serve), await startTlsOrigin(serve)];
    origins.push(byEnvironment, byFile);
    dir = tempDir();
    writeFileSync(join(dir, 'env-ca.pem'), byEnvironment.certificate);
    writeFileSync(join(dir, 'file-ca.pem'), byFile.certificate);
    const get = (origin: TlsOrigin, sub: string, extra: string[]) =>
      runCli(['get', origin.url(`/${sub}.bin`), '--dir', join(dir!, sub), '--data-dir', join(dir!, `data-${sub}`), '--attempts', '1', '--json', ...extra], {
        NODE_EXTRA_CA_CERTS: join(dir!, 'env-ca.pem'),
      }).exited;

    for (const [origin, sub] of [[byEnvironment, 'env'], [byFile, 'file']] as const) {
      const run = await get(origin, sub, ['--ca-file', join(dir, 'file-ca.pem')]);
      expect([run.code, (JSON.parse(run.stdout) as { status: string }).status]).toEqual([0, 'completed']);
      expect(readFileSync(join(dir, sub, `${sub}.bin`)).equals(content)).toBe(true);
    }
    // Without --ca-file the second authority is unknown: the run above proved the file, not luck.
    const without = await get(byFile, 'none', []);
    expect([without.code, (JSON.parse(without.stdout) as { error_code: string }).error_code]).toEqual([1, 'TLS_ERROR']);
  });
});
