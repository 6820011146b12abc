import { copyFileSync, readFileSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadsChange } from '../../src-main/contract/api.js';
import { CHANGED_CHANNEL, CLIPBOARD_LINK_CHANNEL, type DownloadsBridge } from '../../src-main/contract/bridge.js';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { METHOD_NAMES } from '../../src-main/contract/methods.js';
import { createFileActions } from '../../src-main/electron/file-actions.js';
import { registerIpcHandlers } from '../../src-main/electron/ipc-handlers.js';
import { trustedSender } from '../../src-main/electron/sender-check.js';
import { createBridge } from '../../src-preload/bridge.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { ipcPair } from '../support/ipc-pair.js';

const PAGE = 'file:///opt/steadfast/out/renderer/index.html';
const content = randomBytesSeeded(256 * 1024, 91);

describe('IPC: preload bridge ⇄ main handlers, in plain Node', () => {
  let origin: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  function wire() {
    const pair = ipcPair(PAGE);
    const opened: string[] = [];
    const shown: string[] = [];
    const files = createFileActions(engine.manager, {
      openPath: async (path) => {
        opened.push(path);
        return '';
      },
      showItemInFolder: (path) => shown.push(path),
    });
    const unregister = registerIpcHandlers(pair.ipcMain, engine.manager, files, trustedSender(PAGE));
    engine.manager.onChanged((change) => pair.send(CHANGED_CHANNEL, change));
    return { pair, bridge: createBridge(pair.ipcRenderer), opened, shown, unregister };
  }

  it('every contract method round-trips, and events reach the page', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content }, '/b.bin': { content } });
    engine = startEngine();
    const { pair, bridge, opened, shown, unregister } = wire();
    expect(pair.channels().sort()).toEqual(METHOD_NAMES.map((m) => `downloads:${m}`).sort());
    const changes: DownloadsChange[] = [];
    const unsubscribe = bridge.onChanged((change) => changes.push(change));

    const value = async <T,>(result: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>) => {
      const envelope = await result;
      if (!envelope.ok) throw new Error(JSON.stringify(envelope.error));
      return envelope.value;
    };
    const added = await value(bridge.add({ url: origin.url('/a.bin') }));
    expect(added).toMatchObject({ filename: 'a.bin', status: expect.any(String) });
    await engine.waitForStatus(added.id, 'completed');
    expect((await value(bridge.list())).map((s: DownloadSnapshot) => s.id)).toEqual([added.id]);
    expect(await value(bridge.get(added.id))).toMatchObject({ status: 'completed' });
    expect(await value(bridge.progress(added.id))).toMatchObject({ status: 'completed', progress: 100 });
    expect((await value(bridge.attempts(added.id))).length).toBe(1);
    expect(readFileSync((await value(bridge.get(added.id))).path).equals(content)).toBe(true);

    origin.throttle(64 * 1024);
    const second = await value(bridge.add({ url: origin.url('/b.bin') }));
    expect(await value(bridge.pause(second.id))).toMatchObject({ status: 'paused' });
    expect(await value(bridge.changeSource(second.id, origin.url('/a.bin')))).toMatchObject({ source: { url: origin.url('/a.bin') } });
    expect(await value(bridge.resume(second.id))).toMatchObject({ status: expect.stringMatching(/queued|downloading/) });
    expect(await value(bridge.cancel(second.id))).toMatchObject({ status: 'cancelled' });
    expect(await value(bridge.restart(second.id))).toMatchObject({ failed_count: 0 });
    expect(await value(bridge.remove(second.id, { delete_file: false }))).toBeUndefined();
    expect(await value(bridge.updateSettings({ max_concurrent: 4 }))).toMatchObject({ max_concurrent: 4 });
    expect(await value(bridge.getSettings())).toMatchObject({ max_concurrent: 4 });

    await value(bridge.openFile(added.id));
    await value(bridge.showInFolder(added.id));
    expect(opened).toEqual([(await engine.manager.get(added.id)).path]);
    expect(shown).toEqual(opened);

    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes.some((c) => c.snapshots.some((s) => s.id === added.id && s.status === 'completed'))).toBe(true);
    expect(changes.some((c) => c.removed.includes(second.id))).toBe(true);
    unsubscribe();
    unregister();
    expect(pair.channels()).toEqual([]);
  });

  it('refuses a foreign sender frame, wrong arity and bad arguments, as envelopes', async () => {
    engine = startEngine();
    const { pair, bridge } = wire();
    pair.frame.url = 'https://evil.example/';
    expect(await bridge.list()).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'Calls are accepted only from the Steadfast window' },
    });
    pair.frame.url = `${PAGE}#/details`;
    expect(await bridge.list()).toEqual({ ok: true, value: [] });

    const raw = pair.ipcRenderer;
    expect(await raw.invoke('downloads:get')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: 'downloads:get takes 1 argument(s), not 0' } });
    expect(await raw.invoke('downloads:list', 'extra')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await raw.invoke('downloads:get', { $ne: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await raw.invoke('downloads:add', { url: 'file:///etc/passwd' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await raw.invoke('downloads:updateSettings', { max_attempts: -1 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await raw.invoke('downloads:remove', 'nope', { delete_file: 'yes' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await raw.invoke('downloads:get', 'no-such-id')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await raw.invoke('downloads:openFile', 'no-such-id')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await expect(raw.invoke('downloads:shell', 'rm -rf /')).rejects.toThrow("No handler registered for 'downloads:shell'");
    expect(engine.store.listDownloads()).toEqual([]);
  });

  it('add takes request headers over IPC: sent on the request, named in the snapshot, refused when bad', async () => {
    origin = await startFaultOrigin({ '/signed.bin': { content, requireHeaders: { cookie: 'sid=ipc-secret' } } });
    engine = startEngine();
    const { pair, bridge } = wire();
    const added = await bridge.add({ url: origin.url('/signed.bin'), headers: { cookie: 'sid=ipc-secret', 'User-Agent': 'UA' } });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    expect(added.value.request_headers).toEqual(['Cookie', 'User-Agent']);
    const done = await engine.waitForStatus(added.value.id, 'completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(origin.requests.map((r) => r.headers.cookie)).toEqual(['sid=ipc-secret']);
    expect(JSON.stringify(await bridge.list())).not.toContain('ipc-secret');

    expect(await pair.ipcRenderer.invoke('downloads:add', { url: origin.url('/x.bin'), headers: { Host: 'evil.example' } })).toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'headers.Host: only Cookie, Authorization, Referer, User-Agent may be set' },
    });
    expect(await pair.ipcRenderer.invoke('downloads:add', { url: origin.url('/x.bin'), headers: { Cookie: 'a\nb' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^headers\.Cookie: /) },
    });
    expect(engine.store.listDownloads()).toHaveLength(1);
  });

  it('Open and Show in folder refuse a completed file replaced by a link or another file: the shell never sees its path', async () => {
    origin = await startFaultOrigin({ '/a.bin': { content } });
    engine = startEngine();
    const { bridge, opened, shown } = wire();
    const { id } = await engine.manager.add({ url: origin.url('/a.bin') });
    const { path } = await engine.waitForStatus(id, 'completed');
    const elsewhere = join(engine.root, 'elsewhere.sh');
    writeFileSync(elsewhere, '#!/bin/sh\n');
    renameSync(path, `${path}.moved`);
    symlinkSync(elsewhere, path);
    expect(await bridge.openFile(id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('symbolic link') } });
    unlinkSync(path);
    copyFileSync(`${path}.moved`, path);
    expect(await bridge.showInFolder(id)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('replaced') } });
    unlinkSync(path);
    expect(await bridge.openFile(id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(opened).toEqual([]);
    expect(shown).toEqual([]);
    renameSync(`${path}.moved`, path);
    expect(await bridge.openFile(id)).toEqual({ ok: true });
    expect(opened).toEqual([path]);
  });

  it('the bridge exposes exactly the contract and nothing raw', () => {
    const bridge: DownloadsBridge = createBridge(ipcPair(PAGE).ipcRenderer);
    expect(Object.keys(bridge).sort()).toEqual([...METHOD_NAMES, 'onChanged', 'onClipboardLink'].sort());
    expect(Object.values(bridge).every((f) => typeof f === 'function')).toBe(true);
  });

  it('a link the clipboard watch offers reaches the page as text, until it unsubscribes; anything but text is dropped', () => {
    const pair = ipcPair(PAGE);
    const bridge = createBridge(pair.ipcRenderer);
    const links: string[] = [];
    const unsubscribe = bridge.onClipboardLink((link) => links.push(link));
    pair.send(CLIPBOARD_LINK_CHANNEL, 'https://example.com/copied.iso');
    pair.send(CLIPBOARD_LINK_CHANNEL, { not: 'text' });
    unsubscribe();
    pair.send(CLIPBOARD_LINK_CHANNEL, 'https://example.com/after.iso');
    expect(links).toEqual(['https://example.com/copied.iso']);
  });
});
