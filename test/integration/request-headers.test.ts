import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { FileSecretStore } from '../../src-main/store/file-secret-store.js';
import { type EngineHarness, startEngine, tempDir } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, type RequestRecord, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const HEADERS = {
  Cookie: 'session=c00kie-value; theme=dark',
  Authorization: 'Bearer auth-token-value',
  Referer: 'https://portal.example/page-value',
  'User-Agent': 'Steadfast-Test/1.0 (agent-value)',
};
/** What the origin sees: lower-case names. */
const SENT = { cookie: HEADERS.Cookie, authorization: HEADERS.Authorization, referer: HEADERS.Referer, 'user-agent': HEADERS['User-Agent'] };

const requestsTo = (origin: FaultOrigin, path: string): RequestRecord[] => origin.requests.filter((r) => r.path === path);

/**
 * `localhost` answered as 127.0.0.1 without asking the system: another host name for the same
 * server, so a redirect to it leaves the origin while staying on this machine.
 */
const localhostLookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
  if (hostname !== 'localhost') return dnsLookup(hostname, options, callback as never);
  const address: LookupAddress = { address: '127.0.0.1', family: 4 };
  if (options.all === true) callback(null, [address]);
  else callback(null, address.address, address.family);
}) as unknown as LookupFunction;

describe('request headers per download', () => {
  let origin: FaultOrigin;
  let other: FaultOrigin | undefined;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
    await other?.close();
    other = undefined;
  });

  it('a signed-in file completes byte-identical over 4 connections; every request of every attempt and range carried every header', async () => {
    const content = randomBytesSeeded(8 * MiB, 151);
    origin = await startFaultOrigin({ '/big.bin': { content, requireHeaders: { cookie: SENT.cookie, authorization: SENT.authorization } } });
    origin.throttle(8 * MiB, { perConnection: true });
    // The first attempt fails (503); the second is split, and one of its ranges is cut and reconnects.
    origin.script('/big.bin', { kind: 'status', status: 503 });
    origin.cutOnceAt('/big.bin', 6 * MiB + 1234);
    engine = startEngine({ settings: { connections: 4 } });
    const { id } = await engine.api.add({ url: origin.url('/big.bin'), headers: HEADERS });
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(1);
    // The snapshot names them, values never.
    expect([...done.request_headers].sort()).toEqual(['Authorization', 'Cookie', 'Referer', 'User-Agent']);
    const requests = requestsTo(origin, '/big.bin');
    const ranges = requests.filter((r) => /^bytes=\d+-\d+$/.test(r.headers.range ?? ''));
    expect(ranges.length).toBeGreaterThanOrEqual(3);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    for (const request of requests) expect(request.headers).toMatchObject(SENT);
    expect(requests.filter((r) => r.status === 401)).toEqual([]);

    // The same file without them is refused: the headers are what let it through.
    const { id: bare } = await engine.api.add({ url: origin.url('/big.bin'), filename: 'bare.bin' });
    const failed = await engine.waitForStatus(bare, 'failed');
    expect(failed.error_code).toBe('UNAUTHORIZED');
    expect(failed.request_headers).toEqual([]);
  });

  it('headers may be given in any case and are sent as given, over one connection too', async () => {
    const content = randomBytesSeeded(300 * 1024, 152);
    origin = await startFaultOrigin({ '/f.bin': { content, requireHeaders: { cookie: 'a=b' } } });
    engine = startEngine();
    const { id } = await engine.api.add({ url: origin.url('/f.bin'), headers: { COOKIE: 'a=b', 'user-agent': 'UA-x' } });
    const done = await engine.waitForStatus(id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(requestsTo(origin, '/f.bin').map((r) => [r.headers.cookie, r.headers['user-agent']])).toEqual([['a=b', 'UA-x']]);
  });

  it('a changed link at another origin loses Cookie, Authorization and Referer: changing links cannot send them elsewhere', async () => {
    const content = randomBytesSeeded(200 * 1024, 158);
    origin = await startFaultOrigin({ '/f.bin': { content, requireHeaders: { cookie: 'never' } } });
    other = await startFaultOrigin({ '/f.bin': { content } });
    engine = startEngine();
    const added = await engine.api.add({ url: origin.url('/f.bin'), headers: HEADERS });
    expect((await engine.waitForStatus(added.id, 'failed')).error_code).toBe('UNAUTHORIZED');
    const changed = await engine.api.changeSource(added.id, other.url('/f.bin'));
    expect(changed.request_headers).toEqual(['User-Agent']);
    await engine.api.restart(added.id);
    const done = await engine.waitForStatus(added.id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    const [request, ...more] = requestsTo(other, '/f.bin');
    expect(more).toEqual([]);
    expect(request!.headers).toMatchObject({ 'user-agent': SENT['user-agent'] });
    for (const name of ['cookie', 'authorization', 'referer']) expect(request!.headers[name]).toBeUndefined();
  });

  it('headers outlive the process: the next start sends them, and its snapshot names them', async () => {
    const content = randomBytesSeeded(300 * 1024, 157);
    origin = await startFaultOrigin({ '/f.bin': { content, requireHeaders: { cookie: SENT.cookie, referer: SENT.referer } } });
    const root = tempDir();
    const first = startEngine({ root, secrets: new FileSecretStore(root), start: false });
    const { id } = await first.api.add({ url: origin.url('/f.bin'), headers: { Cookie: HEADERS.Cookie, Referer: HEADERS.Referer } });
    await first.close({ keepFiles: true });
    expect(origin.requests).toHaveLength(0);
    engine = startEngine({ root, secrets: new FileSecretStore(root) });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.request_headers).toEqual(['Cookie', 'Referer']);
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(requestsTo(origin, '/f.bin').map((r) => r.status)).toEqual([200]);
  });

  it('a redirect to another port or another host name drops Cookie, Authorization and Referer; User-Agent goes along', async () => {
    const content = randomBytesSeeded(256 * 1024, 153);
    origin = await startFaultOrigin({ '/here.bin': { content } });
    other = await startFaultOrigin({ '/there.bin': { content } });
    const secrets = new MemorySecretStore();
    engine = startEngine({ secrets, createSource: createSourceFactory({ secrets, lookup: localhostLookup }) });
    const toOtherPort = `http://127.0.0.1:${other.port}/there.bin`;
    const toOtherName = `http://localhost:${origin.port}/here.bin`;
    origin.script('/port', { kind: 'status', status: 302, headers: { Location: toOtherPort } });
    origin.script('/name', { kind: 'status', status: 302, headers: { Location: toOtherName } });

    const viaPort = await engine.api.add({ url: origin.url('/port'), headers: HEADERS, filename: 'port.bin' });
    expect(sha256(readFileSync((await engine.waitForStatus(viaPort.id, 'completed')).path))).toBe(sha256(content));
    const viaName = await engine.api.add({ url: origin.url('/name'), headers: HEADERS, filename: 'name.bin' });
    expect(sha256(readFileSync((await engine.waitForStatus(viaName.id, 'completed')).path))).toBe(sha256(content));

    // The first hop, at the download's own origin, had them all.
    expect(requestsTo(origin, '/port')[0]!.headers).toMatchObject(SENT);
    expect(requestsTo(origin, '/name')[0]!.headers).toMatchObject(SENT);
    const landed = [...requestsTo(other, '/there.bin'), ...requestsTo(origin, '/here.bin')];
    expect(landed.length).toBe(2);
    expect(landed.map((r) => r.headers.host)).toEqual([`127.0.0.1:${other.port}`, `localhost:${origin.port}`]);
    for (const request of landed) {
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.referer).toBeUndefined();
      expect(request.headers['user-agent']).toBe(SENT['user-agent']);
    }
  });

  it('a redirect within the origin keeps every header, and one that leaves does not get them back on return', async () => {
    const content = randomBytesSeeded(256 * 1024, 154);
    origin = await startFaultOrigin({ '/final.bin': { content, requireHeaders: { cookie: SENT.cookie } }, '/back.bin': { content } });
    other = await startFaultOrigin();
    engine = startEngine();
    origin.script('/start', { kind: 'status', status: 301, headers: { Location: '/final.bin' } });
    const stay = await engine.api.add({ url: origin.url('/start'), headers: HEADERS });
    expect(sha256(readFileSync((await engine.waitForStatus(stay.id, 'completed')).path))).toBe(sha256(content));
    expect(requestsTo(origin, '/final.bin')).toHaveLength(1);
    expect(requestsTo(origin, '/final.bin')[0]!.headers).toMatchObject(SENT);

    origin.script('/out', { kind: 'status', status: 302, headers: { Location: `http://127.0.0.1:${other.port}/hop` } });
    other.script('/hop', { kind: 'status', status: 302, headers: { Location: origin.url('/back.bin') } });
    const round = await engine.api.add({ url: origin.url('/out'), headers: HEADERS, filename: 'round.bin' });
    expect(sha256(readFileSync((await engine.waitForStatus(round.id, 'completed')).path))).toBe(sha256(content));
    for (const request of [...requestsTo(other, '/hop'), ...requestsTo(origin, '/back.bin')]) {
      expect(request.headers.cookie).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.referer).toBeUndefined();
    }
  });

  it('user:password in the URL becomes Authorization: Basic; the stored and shown URL has none', async () => {
    const content = randomBytesSeeded(200 * 1024, 155);
    const basic = `Basic ${Buffer.from('alice:p@ss wörd', 'utf8').toString('base64')}`;
    origin = await startFaultOrigin({ '/f.bin': { content, requireHeaders: { authorization: basic } } });
    engine = startEngine();
    const url = origin.url('/f.bin').replace('http://', 'http://alice:p%40ss%20w%C3%B6rd@');
    const added = await engine.api.add({ url, headers: { Referer: 'https://portal.example/' } });
    expect(added.source).toEqual({ kind: 'http', url: origin.url('/f.bin') });
    expect(added.request_headers).toEqual(['Referer', 'Authorization']);
    const done = await engine.waitForStatus(added.id, 'completed');
    expect(done.source).toEqual({ kind: 'http', url: origin.url('/f.bin') });
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(requestsTo(origin, '/f.bin')[0]!.headers).toMatchObject({ authorization: basic, referer: 'https://portal.example/' });
    expect(engine.store.db.prepare('SELECT source FROM downloads WHERE id = ?').pluck().get(added.id)).toBe(
      JSON.stringify({ kind: 'http', url: origin.url('/f.bin') }),
    );

    // An Authorization header given outright wins over the URL's.
    const both = await engine.api.add({ url, headers: { authorization: basic }, filename: 'both.bin' });
    await engine.waitForStatus(both.id, 'completed');
    const wrong = await engine.api.add({ url: url.replace('alice', 'mallory'), headers: { Authorization: basic }, filename: 'wrong.bin' });
    await engine.waitForStatus(wrong.id, 'completed');
    const plainWrong = await engine.api.add({ url: url.replace('alice', 'mallory'), filename: 'plain-wrong.bin' });
    expect((await engine.waitForStatus(plainWrong.id, 'failed')).error_code).toBe('UNAUTHORIZED');
  });

  it('a new link with user:password replaces the sign-in kept for the download; the link is stored without it', async () => {
    const content = randomBytesSeeded(200 * 1024, 156);
    const basic = `Basic ${Buffer.from('bob:right', 'utf8').toString('base64')}`;
    origin = await startFaultOrigin({ '/f.bin': { content, requireHeaders: { authorization: basic, cookie: 'k=v' } } });
    engine = startEngine();
    const added = await engine.api.add({ url: origin.url('/f.bin').replace('http://', 'http://bob:wrong@'), headers: { Cookie: 'k=v' } });
    expect((await engine.waitForStatus(added.id, 'failed')).error_code).toBe('UNAUTHORIZED');
    const changed = await engine.api.changeSource(added.id, origin.url('/f.bin').replace('http://', 'http://bob:right@'));
    expect(changed.source).toEqual({ kind: 'http', url: origin.url('/f.bin') });
    await engine.api.restart(added.id);
    const done = await engine.waitForStatus(added.id, 'completed');
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
  });
});
