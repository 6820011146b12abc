import { readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_LINK_TTL_MS, FileLinks } from '../../src-main/server/file-links.js';
import { type ApiHarness, startApi, TEST_TOKEN } from '../support/api-server.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const SIZE = 300_000;
const content = randomBytesSeeded(SIZE, 23);
const NAME = "Résumé l'été (final) 100%.bin";

describe('file links: a completed download for the browser, token-checked, with ranges', () => {
  let origin: FaultOrigin;
  let server: ApiHarness;
  let clock: number;
  let id: string;
  let path: string;

  beforeEach(async () => {
    clock = 1_000_000;
    origin = await startFaultOrigin({ '/f.bin': { content } });
    server = await startApi({}, { fileLinks: new FileLinks(() => clock) });
    const added = await server.engine.api.add({ url: origin.url('/f.bin'), filename: NAME });
    id = added.id;
    path = (await server.engine.waitForStatus(id, 'completed')).path;
  });
  afterEach(async () => {
    await server?.close();
    await origin?.close();
  });

  const base = () => `http://127.0.0.1:${server.port}`;
  const mint = async (which = id) => server.api.post(`/api/downloads/${encodeURIComponent(which)}/file-link`);
  const link = async () => {
    const answer = await mint();
    expect(answer.status).toBe(200);
    return (answer.json as { url: string }).url;
  };
  const get = (url: string, headers: Record<string, string> = {}) => fetch(base() + url, { headers });

  it('mints a link only for a token holder, and the link serves the whole file with its name', async () => {
    const refused = await fetch(`${base()}/api/downloads/${id}/file-link`, { method: 'POST' });
    expect(refused.status).toBe(401);
    const answer = await mint();
    const { url, expires_at } = answer.json as { url: string; expires_at: string };
    expect(url).toMatch(/^\/files\/[A-Za-z0-9_-]{43}$/);
    expect(url).not.toContain(TEST_TOKEN);
    expect(Date.parse(expires_at)).toBe(clock + FILE_LINK_TTL_MS);

    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(SIZE));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="R_sum_ l'_t_ (final) 100_.bin"; filename*=UTF-8''R%C3%A9sum%C3%A9%20l%27%C3%A9t%C3%A9%20%28final%29%20100%25.bin`,
    );
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    // Good for more than one request while it lives: a browser may resume with a range.
    expect((await get(url)).status).toBe(200);
  });

  it('answers a range with 206 and the exact bytes, a suffix range with the tail, and a range past the end with 416', async () => {
    const url = await link();
    const part = await get(url, { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${SIZE}`);
    expect(part.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await part.arrayBuffer()).equals(content.subarray(1000, 2000))).toBe(true);

    const open = await get(url, { range: `bytes=${SIZE - 10}-` });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(`bytes ${SIZE - 10}-${SIZE - 1}/${SIZE}`);
    expect(Buffer.from(await open.arrayBuffer()).equals(content.subarray(SIZE - 10))).toBe(true);

    const tail = await get(url, { range: 'bytes=-5' });
    expect(tail.headers.get('content-range')).toBe(`bytes ${SIZE - 5}-${SIZE - 1}/${SIZE}`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(content.subarray(SIZE - 5))).toBe(true);

    const clipped = await get(url, { range: `bytes=${SIZE - 3}-${SIZE + 100}` });
    expect(clipped.headers.get('content-range')).toBe(`bytes ${SIZE - 3}-${SIZE - 1}/${SIZE}`);
    expect((await clipped.arrayBuffer()).byteLength).toBe(3);

    const past = await get(url, { range: `bytes=${SIZE}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${SIZE}`);

    // Several ranges, other units or a reversed range are ignored: the whole file.
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=9-2']) {
      const whole = await get(url, { range });
      expect(whole.status, range).toBe(200);
      expect((await whole.arrayBuffer()).byteLength, range).toBe(SIZE);
    }
  });

  it('refuses a wrong link and an expired one', async () => {
    const url = await link();
    const wrong = await get(`/files/${'A'.repeat(43)}`);
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await get(`${url}x`)).status).toBe(403);
    // The API token itself is no file link.
    expect((await get(`/files/${TEST_TOKEN}`)).status).toBe(403);
    clock += FILE_LINK_TTL_MS - 1;
    expect((await get(url)).status).toBe(200);
    clock += 1;
    expect((await get(url)).status).toBe(403);
  });

  it('makes no link for a download that is not completed, nor for an unknown or malformed id', async () => {
    origin.script('/g.bin', { kind: 'status', status: 404 });
    const failed = await server.engine.api.add({ url: origin.url('/g.bin') });
    await server.engine.waitForStatus(failed.id, 'failed');
    const notDone = await mint(failed.id);
    expect(notDone.status).toBe(409);
    expect((notDone.json as { error: { code: string } }).error.code).toBe('INVALID_STATE');
    expect((await mint('no-such-id')).status).toBe(404);
    expect((await mint('../etc')).status).toBe(400);
    expect((await mint('a'.repeat(65))).status).toBe(400);
  });

  it('refuses the file once it was replaced by a symbolic link or another file, even through a link made before', async () => {
    const url = await link();
    const elsewhere = join(server.engine.root, 'secret.txt');
    writeFileSync(elsewhere, 'not yours');
    renameSync(path, `${path}.moved`);
    symlinkSync(elsewhere, path);
    const viaLink = await get(url);
    expect(viaLink.status).toBe(403);
    expect(await viaLink.text()).not.toContain('not yours');
    expect((await mint()).status).toBe(403);

    unlinkSync(path);
    writeFileSync(path, content);
    expect((await get(url)).status).toBe(403);

    unlinkSync(path);
    expect((await get(url)).status).toBe(404);
    renameSync(`${path}.moved`, path);
    expect(Buffer.from(await (await get(url)).arrayBuffer()).equals(readFileSync(path))).toBe(true);
  });
});
