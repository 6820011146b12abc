import { afterEach, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/api-client.js';
import { type EngineHarness, startEngine } from '../support/engine-harness.js';
import { followPairing, type ExtensionListener } from '../../src-main/server/extension-listener.js';
import { randomBytesSeeded, type FaultOrigin, startFaultOrigin } from '../support/fault-origin.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { extensionIdOf } from '../../src-main/contract/extension-pairing.js';

const EXTENSION = 'moz-extension://0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
/** A fresh TCP connection (no pooled socket from the requests before). */
const connect = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The desktop app's listener for its extension, over a real engine, as main.ts starts it. */
describe('the desktop listener for the browser extension', () => {
  let engine: EngineHarness;
  let listener: ExtensionListener;
  let origin: FaultOrigin | undefined;
  afterEach(async () => {
    await listener.stop();
    await engine.close();
    await origin?.close();
  });

  function start(port = 0) {
    engine = startEngine();
    const errors: string[] = [];
    listener = followPairing({ engine: engine.manager, pairing: engine.manager.extensions, port, onError: (error) => errors.push(error.message) });
    return errors;
  }

  it('opens no port until a code is shown, admits only the paired extension, and closes when it is revoked', async () => {
    start();
    await listener.settled();
    expect(listener.port()).toBeNull();

    const { code } = await engine.api.startExtensionPairing();
    await listener.settled();
    const port = listener.port()!;
    expect(port).toBeGreaterThan(0);

    const pair = await rawRequest(port, 'POST', '/api/extension/pair', {
      headers: { origin: EXTENSION, 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(pair.status).toBe(201);
    const token = (pair.json as { token: string }).token;
    await listener.settled();
    expect(listener.port()).toBe(port);

    origin = await startFaultOrigin({ '/f.bin': { content: randomBytesSeeded(64 * 1024, 16), requireHeaders: { cookie: 'sid=7' } } });
    const added = await rawRequest(port, 'POST', '/api/downloads/start', {
      headers: { origin: EXTENSION, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: origin.url('/f.bin'), headers: { Cookie: 'sid=7' } }),
    });
    expect(added.status).toBe(201);
    const id = (added.json as DownloadSnapshot).id;
    let done: DownloadSnapshot | undefined;
    for (let i = 0; i < 200 && done?.status !== 'completed'; i++) {
      done = (await rawRequest(port, 'GET', `/api/downloads/${id}`, { headers: { authorization: `Bearer ${token}` } })).json as DownloadSnapshot;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(done?.status).toBe('completed');
    expect(sha256(readFileSync(join(done!.dest_dir, done!.filename)))).toBe(sha256(randomBytesSeeded(64 * 1024, 16)));

    // Nothing else gets in: the app's own routes need a token no one was told.
    expect((await rawRequest(port, 'GET', '/api/downloads', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await rawRequest(port, 'GET', '/api/settings', { headers: { origin: EXTENSION, authorization: `Bearer ${token}` } })).status).toBe(403);
    expect((await rawRequest(port, 'GET', '/', {})).status).toBe(503);

    // Turned off in Settings: the port closes though the extension stays paired; on again, it opens.
    const extension = extensionIdOf(EXTENSION);
    expect((await engine.api.setExtensionAccepting(extension, { accepting: false })).extensions[0]!.accepting).toBe(false);
    await listener.settled();
    expect(listener.port()).toBeNull();
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
    await engine.api.setExtensionAccepting(extension, { accepting: true });
    await listener.settled();
    // Port 0 here: the kernel picks anew (the app's is fixed, 4000).
    const reopened = listener.port()!;
    expect(reopened).toBeGreaterThan(0);
    expect((await rawRequest(reopened, 'GET', `/api/downloads/${id}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    await engine.api.revokeExtension(extension);
    await listener.settled();
    expect(listener.port()).toBeNull();
    await expect(connect(reopened)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('listens at start when an extension is already paired; a taken port is reported, not thrown', async () => {
    const errors = start();
    const { code } = await engine.api.startExtensionPairing();
    engine.manager.extensions.pair(code!, EXTENSION);
    await listener.settled();
    const port = listener.port()!;
    await listener.stop();
    expect(listener.port()).toBeNull();

    // A second app (a second profile) finds the port taken by the first one's listener.
    const first = followPairing({ engine: engine.manager, pairing: engine.manager.extensions, port, onError: () => undefined });
    await first.settled();
    expect(first.port()).toBe(port);
    listener = followPairing({ engine: engine.manager, pairing: engine.manager.extensions, port, onError: (error) => errors.push(error.message) });
    await listener.settled();
    expect(listener.port()).toBeNull();
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^Cannot listen for the browser extension on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`))]);
    await first.stop();
  });
});
