import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addEntries, type ListEntry, parseDownloadList, remainingLines } from '../../src-main/contract/download-list.js';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { type ApiHarness, startApi } from '../support/api-server.js';
import { type FaultOrigin, randomBytesSeeded, type ServedFile, startFaultOrigin } from '../support/fault-origin.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** What the Add dialog does with a list, over REST: one POST per entry; a refusal is an error with the API's message. */
const restAdd = (server: ApiHarness, added: DownloadSnapshot[]) => async (entry: ListEntry) => {
  const response = await server.api.post('/api/downloads/start', entry.request);
  if (response.status !== 201) throw new Error((response.json as { error: { message: string } }).error.message);
  added.push(response.json as DownloadSnapshot);
};

describe('a list of links added through the REST API', () => {
  let origin: FaultOrigin;
  let server: ApiHarness;
  afterEach(async () => {
    await server?.close();
    await origin?.close();
  });

  it('an aria2 input file: every file completes byte-identical, in its dir= under its out= name, faults retried, headers sent', async () => {
    const files: Record<string, ServedFile> = Object.fromEntries([1, 2, 3, 4].map((n) => [`/f${n}.bin`, { content: randomBytesSeeded(200_000 + n * 50_000, 170 + n) }]));
    files['/f4.bin'] = { ...files['/f4.bin']!, requireHeaders: { cookie: 'sid=list-cookie', referer: 'https://portal.example/' } };
    origin = await startFaultOrigin(files);
    origin.script('/f2.bin', { kind: 'drop-after', bytes: 70_000 });
    origin.script('/f3.bin', { kind: 'status', status: 503 });
    server = await startApi();
    const elsewhere = join(server.engine.root, 'elsewhere');
    const text = [
      '# four files, the second and third cut on their first attempt',
      `${origin.url('/f1.bin')}\t${origin.url('/mirror/f1.bin')}`,
      `  dir=${elsewhere}`,
      '  out=first.bin',
      origin.url('/f2.bin'),
      '\tdir=sub/deeper',
      '',
      origin.url('/f3.bin'),
      '  split=4',
      origin.url('/f4.bin'),
      '  header=Cookie: sid=list-cookie',
      '  referer=https://portal.example/',
      '  out=signed-in.bin',
    ].join('\r\n');
    const list = parseDownloadList(text, { baseDir: server.engine.downloads });
    expect(list.problems).toEqual([]);
    expect(list.entries.map((e) => e.line)).toEqual([2, 5, 8, 10]);

    const added: DownloadSnapshot[] = [];
    const failed = await addEntries(list.entries, restAdd(server, added));
    expect(failed).toEqual([]);
    const done = await Promise.all(added.map((d) => server.engine.waitForStatus(d.id, 'completed')));
    const expected = [
      [join(elsewhere, 'first.bin'), '/f1.bin'],
      [join(server.engine.downloads, 'sub', 'deeper', 'f2.bin'), '/f2.bin'],
      [join(server.engine.downloads, 'f3.bin'), '/f3.bin'],
      [join(server.engine.downloads, 'signed-in.bin'), '/f4.bin'],
    ];
    expect(done.map((d) => d.path)).toEqual(expected.map(([path]) => path));
    for (const [path, served] of expected) expect(sha256(readFileSync(path!))).toBe(sha256(files[served!]!.content));
    expect(done.map((d) => d.failed_count)).toEqual([0, 1, 1, 0]);
    expect(done[3]!.request_headers.sort()).toEqual(['Cookie', 'Referer']);
    // The mirror was reported, not fetched.
    expect(origin.requests.filter((r) => r.path === '/mirror/f1.bin')).toEqual([]);
    expect(list.entries[0]!.notes.map((n) => n.message)).toEqual(['1 mirror link is not used: Steadfast downloads from the first link']);
  });

  it('an out= that climbs is refused at its line; a name the API is sent never leaves the folder; a refused dir keeps its lines', async () => {
    origin = await startFaultOrigin({ '/ok.bin': { content: randomBytesSeeded(64 * 1024, 181) }, '/esc.bin': { content: randomBytesSeeded(1000, 182) } });
    server = await startApi({}, { allowedDirs: (root) => [join(root, 'downloads')] });
    const { downloads, root } = server.engine;
    const text = [
      origin.url('/esc.bin'),
      '  out=../../escape.bin',
      origin.url('/ok.bin'),
      origin.url('/ok.bin'),
      '  dir=/etc',
      '  out=outside.bin',
      origin.url('/ok.bin'),
      '  out=..\\windows-escape.bin',
    ].join('\n');
    const list = parseDownloadList(text, { baseDir: downloads });
    expect(list.problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'out=../../escape.bin is not a file name: put folders in dir='],
      [8, 'out=..\\windows-escape.bin is not a file name: put folders in dir='],
    ]);

    const added: DownloadSnapshot[] = [];
    const failed = await addEntries(list.entries, restAdd(server, added));
    // The folder outside --allowed-dirs is refused by the server; its lines come back with the reason.
    expect(failed.map((f) => [f.line, f.source])).toEqual([[4, `${origin.url('/ok.bin')}\n  dir=/etc\n  out=outside.bin`]]);
    expect(failed[0]!.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ok\.bin: .*allowed/);
    expect(remainingLines([...list.problems, ...failed]).split('\n')).toEqual([
      origin.url('/esc.bin'),
      '  out=../../escape.bin',
      origin.url('/ok.bin'),
      '  dir=/etc',
      '  out=outside.bin',
      origin.url('/ok.bin'),
      '  out=..\\windows-escape.bin',
    ]);
    expect(added).toHaveLength(1);
    await server.engine.waitForStatus(added[0]!.id, 'completed');

    // A client that skips the parser and sends the climbing name itself still lands inside.
    const raw = await server.api.post('/api/downloads/start', { url: origin.url('/esc.bin'), filename: '../../escape.bin' });
    expect(raw.status).toBe(201);
    const escaped = await server.engine.waitForStatus((raw.json as DownloadSnapshot).id, 'completed');
    expect(escaped.dest_dir).toBe(downloads);
    expect(join(escaped.dest_dir, escaped.filename)).toBe(escaped.path);
    expect(escaped.filename).not.toMatch(/[\\/]/);
    expect(existsSync(join(root, 'escape.bin'))).toBe(false);
    expect(existsSync(join(root, '..', 'escape.bin'))).toBe(false);
    expect(readdirSync(downloads).sort()).toEqual(['ok.bin', escaped.filename].sort());
  });
});
