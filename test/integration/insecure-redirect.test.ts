import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';
import { startTlsOrigin, type TlsOrigin } from '../support/tls-origin.js';

const content = randomBytesSeeded(256 * 1024, 141);
/** A signed-URL query on the insecure target: it must never reach a message. */
const SIGNATURE = 'X-Signature=s3cr3t-do-not-print';

describe('an https download redirected to http', () => {
  let secure: TlsOrigin;
  let plain: FaultOrigin;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await secure?.close();
    await plain?.close();
  });

  /** https://127.0.0.1:A/file.bin → 302 → http://127.0.0.1:B/file.bin?signature, with the test certificate trusted. */
  async function start(allowInsecureRedirects: boolean): Promise<string> {
    plain = await startFaultOrigin({ '/file.bin': { content } });
    secure = await startTlsOrigin((_request, response) => {
      response.writeHead(302, { location: `${plain.url('/file.bin')}?${SIGNATURE}`, 'content-length': 0 });
      response.end();
    });
    const secrets = new MemorySecretStore();
    engine = startEngine({
      secrets,
      settings: { allow_insecure_redirects: allowInsecureRedirects },
      createSource: createSourceFactory({ secrets, extraCaCertificates: [secure.certificate] }),
    });
    return (await engine.manager.add({ url: secure.url('/file.bin?token=abc') })).id;
  }

  it('fails at once with INSECURE_REDIRECT after exactly one request, naming hosts only, nothing saved', async () => {
    const id = await start(false);
    expect((await engine.manager.getSettings()).allow_insecure_redirects).toBe(false);
    const failed = await engine.waitFor(id, (s) => s.status === 'failed' || s.status === 'completed');
    const secureHost = new URL(secure.url('/')).host;
    const plainHost = new URL(plain.url('/')).host;
    expect([failed.error_code, failed.failed_count, failed.retry_info.next_retry_in]).toEqual(['INSECURE_REDIRECT', 1, null]);
    expect(failed.error_message).toBe(
      `${secureHost} redirected a secure link to an insecure one (http://${plainHost}/…); allow insecure redirects in the settings to follow it`,
    );
    expect(failed.error_message).not.toMatch(/file\.bin|token|Signature/);
    expect(secure.requests).toEqual(['/file.bin?token=abc']);
    expect(plain.requests).toHaveLength(0);
    expect(engine.store.listAttempts(id).map((a) => a.error_code)).toEqual(['INSECURE_REDIRECT']);
    expect(existsSync(join(engine.downloads, 'file.bin'))).toBe(false);
  });

  it('with allow_insecure_redirects on, follows it and completes byte-identical', async () => {
    const id = await start(true);
    const done = await engine.waitFor(id, (s) => s.status === 'failed' || s.status === 'completed');
    expect(done.status).toBe('completed');
    expect(readFileSync(done.path).equals(content)).toBe(true);
    expect(done.failed_count).toBe(0);
    expect(secure.requests).toHaveLength(1);
    expect(plain.requests).toHaveLength(1);
  });
});
