import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineHarness, startEngine, tempDir } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const KiB = 1024;

describe('no download touches a file it did not create', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('a server naming its file "X.pdf.partial" can neither take nor lose another download\'s partial: deleting that download leaves it alone', async () => {
    const b = randomBytesSeeded(64 * KiB, 170);
    origin = await startFaultOrigin({
      '/b.bin': { content: b, contentDisposition: 'attachment; filename="X.pdf.partial"' },
    });
    origin.script('/a.pdf', ...Array.from({ length: 10 }, () => ({ kind: 'status', status: 503 }) as const));
    engine = startEngine({ settings: { max_attempts: 10, initial_delay_seconds: 30 } });
    const a = await engine.manager.add({ url: origin.url('/a.pdf'), filename: 'X.pdf' });
    await engine.waitForStatus(a.id, 'retrying');
    const done = await engine.manager.add({ url: origin.url('/b.bin') });
    const finished = await engine.waitForStatus(done.id, 'completed');
    // A name never ends in the temporary suffix.
    expect(finished.filename.toLowerCase().endsWith('.partial')).toBe(false);
    await engine.manager.remove(a.id);
    expect(readFileSync(finished.path).equals(b)).toBe(true);
  });

  it('a cancelled download restarted later never truncates a file another download finished under its temporary name', async () => {
    const c = randomBytesSeeded(256 * KiB, 171);
    const d = randomBytesSeeded(64 * KiB, 172);
    origin = await startFaultOrigin({
      '/c.bin': { content: c },
      '/d.bin': { content: d, contentDisposition: 'attachment; filename="C.bin.partial"' },
    });
    origin.script('/c.bin', { kind: 'stall-after', bytes: 32 * KiB });
    engine = startEngine({ settings: { stall_timeout_seconds: 30 } });
    const first = await engine.manager.add({ url: origin.url('/c.bin'), filename: 'C.bin' });
    await engine.waitFor(first.id, (s) => Number(s.downloaded_bytes) > 0);
    await engine.manager.cancel(first.id);
    const other = await engine.waitForStatus((await engine.manager.add({ url: origin.url('/d.bin') })).id, 'completed');
    await engine.manager.restart(first.id);
    const again = await engine.waitForStatus(first.id, 'completed');
    expect(readFileSync(again.path).equals(c)).toBe(true);
    expect(readFileSync(other.path).equals(d)).toBe(true);
  });
});

describe('no link is followed', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('a link planted as the partial is refused with a clear error: nothing is written through it, and the final name is no link', async () => {
    const content = randomBytesSeeded(64 * KiB, 173);
    origin = await startFaultOrigin({ '/x.bin': { content } });
    engine = startEngine({ start: false });
    const elsewhere = tempDir();
    mkdirSync(engine.downloads, { recursive: true });
    const added = await engine.manager.add({ url: origin.url('/x.bin'), filename: 'x.bin' });
    symlinkSync(join(elsewhere, 'new'), join(engine.downloads, 'x.bin.partial'));
    engine.manager.start();
    const failed = await engine.waitForStatus(added.id, 'failed');
    expect(failed.error_code).toBe('PARTIAL_NOT_OURS');
    expect(failed.error_message).toMatch(/x\.bin\.partial.*link/i);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(join(engine.downloads, 'x.bin'))).toBe(false);
    expect(lstatSync(join(engine.downloads, 'x.bin.partial')).isSymbolicLink()).toBe(true);
  });

  it('a link planted over a failed download\'s partial: Restart leaves the file it points to untouched', async () => {
    const content = randomBytesSeeded(256 * KiB, 174);
    origin = await startFaultOrigin({ '/y.bin': { content } });
    origin.script('/y.bin', { kind: 'drop-after', bytes: 64 * KiB }, { kind: 'status', status: 404 });
    engine = startEngine();
    const added = await engine.manager.add({ url: origin.url('/y.bin'), filename: 'y.bin' });
    await engine.waitForStatus(added.id, 'failed');
    const precious = join(tempDir(), 'precious.txt');
    writeFileSync(precious, 'precious');
    const partial = join(engine.downloads, 'y.bin.partial');
    expect(existsSync(partial)).toBe(true);
    // Replaced by a link: the path is the same, the file is not the one Steadfast created.
    rmSync(partial);
    symlinkSync(precious, partial);
    await engine.manager.restart(added.id);
    const again = await engine.waitForStatus(added.id, 'failed');
    expect(again.error_code).toBe('PARTIAL_NOT_OURS');
    expect(readFileSync(precious, 'utf8')).toBe('precious');
    // Removing the download does not remove what is not its own either.
    await engine.manager.remove(added.id);
    expect(lstatSync(partial).isSymbolicLink()).toBe(true);
  });

  it('a file put in place of a paused download\'s partial is not its own: Resume refuses it, Remove leaves it', async () => {
    const content = randomBytesSeeded(512 * KiB, 175);
    origin = await startFaultOrigin({ '/z.bin': { content } });
    origin.throttle(64 * KiB);
    engine = startEngine();
    const added = await engine.manager.add({ url: origin.url('/z.bin'), filename: 'z.bin' });
    await engine.waitFor(added.id, (s) => Number(s.downloaded_bytes) > 0, 20_000);
    await engine.manager.pause(added.id);
    const partial = join(engine.downloads, 'z.bin.partial');
    rmSync(partial);
    writeFileSync(partial, 'somebody else');
    await engine.manager.resume(added.id);
    const refused = await engine.waitForStatus(added.id, 'failed');
    expect(refused.error_code).toBe('PARTIAL_NOT_OURS');
    await engine.manager.remove(added.id);
    expect(readFileSync(partial, 'utf8')).toBe('somebody else');
  });

  it('a crash between creating the partial and recording it: the next attempt takes the empty file it left, and only such a file', async () => {
    const content = randomBytesSeeded(256 * KiB, 176);
    origin = await startFaultOrigin({ '/c.bin': { content } });
    engine = startEngine();
    // Three downloads that got no byte yet (their first answer was a 404), as after a SIGKILL
    // that came between O_EXCL and the database write: an empty file under each partial name.
    const ids: string[] = [];
    for (const name of ['left.bin', 'full.bin', 'linked.bin']) {
      origin.script('/c.bin', { kind: 'status', status: 404 });
      const { id } = await engine.manager.add({ url: origin.url('/c.bin'), filename: name });
      expect((await engine.waitForStatus(id, 'failed')).downloaded_bytes).toBe('0');
      ids.push(id);
    }
    writeFileSync(join(engine.downloads, 'left.bin.partial'), '');
    writeFileSync(join(engine.downloads, 'full.bin.partial'), 'x');
    writeFileSync(join(engine.downloads, 'elsewhere.txt'), '');
    linkSync(join(engine.downloads, 'elsewhere.txt'), join(engine.downloads, 'linked.bin.partial'));

    for (const id of ids) await engine.manager.restart(id);
    const [left, full, linked] = await Promise.all(ids.map((id) => engine.waitFor(id, (s) => s.status === 'completed' || s.status === 'failed')));
    expect(left!.status).toBe('completed');
    expect(readFileSync(join(engine.downloads, 'left.bin')).equals(content)).toBe(true);
    // Not empty, or a second name of another file: not what a crash leaves, so not ours.
    expect([full!.error_code, linked!.error_code]).toEqual(['PARTIAL_NOT_OURS', 'PARTIAL_NOT_OURS']);
    expect(readFileSync(join(engine.downloads, 'full.bin.partial'), 'utf8')).toBe('x');
    expect(readFileSync(join(engine.downloads, 'elsewhere.txt'), 'utf8')).toBe('');
  });

  it('a dangling link takes the name: the download picks another', async () => {
    const content = randomBytesSeeded(64 * KiB, 176);
    origin = await startFaultOrigin({ '/w.bin': { content } });
    engine = startEngine();
    mkdirSync(engine.downloads, { recursive: true });
    symlinkSync(join(tempDir(), 'nothing-here'), join(engine.downloads, 'w.bin'));
    const added = await engine.manager.add({ url: origin.url('/w.bin') });
    const done = await engine.waitForStatus(added.id, 'completed');
    expect(done.filename).toBe('w (1).bin');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(lstatSync(join(engine.downloads, 'w.bin')).isSymbolicLink()).toBe(true);
  });

  it('the final rename never replaces a file that appeared under the final name meanwhile', async () => {
    const content = randomBytesSeeded(256 * KiB, 177);
    origin = await startFaultOrigin({ '/v.bin': { content } });
    origin.throttle(256 * KiB);
    engine = startEngine();
    const added = await engine.manager.add({ url: origin.url('/v.bin'), filename: 'v.bin' });
    await engine.waitFor(added.id, (s) => Number(s.downloaded_bytes) > 0);
    writeFileSync(join(engine.downloads, 'v.bin'), 'mine');
    const done = await engine.waitForStatus(added.id, 'completed');
    expect(readFileSync(join(engine.downloads, 'v.bin'), 'utf8')).toBe('mine');
    expect(done.filename).toBe('v (1).bin');
    expect(readFileSync(done.path).equals(content)).toBe(true);
  });
});

describe('one folder, two spellings', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  it('a folder and a link to it are one folder: two downloads of one name get two files, both whole', async () => {
    const one = randomBytesSeeded(256 * KiB, 178);
    const two = randomBytesSeeded(256 * KiB, 179);
    origin = await startFaultOrigin({ '/1/same.bin': { content: one }, '/2/same.bin': { content: two } });
    origin.throttle(512 * KiB);
    engine = startEngine({ settings: { max_concurrent: 2 } });
    const real = join(tempDir(), 'real');
    mkdirSync(real);
    const link = join(tempDir(), 'link');
    symlinkSync(real, link);
    const a = await engine.manager.add({ url: origin.url('/1/same.bin'), dest_dir: real });
    const b = await engine.manager.add({ url: origin.url('/2/same.bin'), dest_dir: link });
    const [doneA, doneB] = await Promise.all([engine.waitForStatus(a.id, 'completed'), engine.waitForStatus(b.id, 'completed')]);
    expect(doneB.dest_dir).toBe(realpathSync(real));
    expect(new Set([doneA.filename, doneB.filename]).size).toBe(2);
    expect(readFileSync(doneA.path).equals(one)).toBe(true);
    expect(readFileSync(doneB.path).equals(two)).toBe(true);
  });
});
