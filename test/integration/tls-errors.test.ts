import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { startEngine, type EngineHarness } from '../support/engine-harness.js';
import { makeAuthority, signLeaf, startTlsOrigin, type TestAuthority, type TlsOrigin } from '../support/tls-origin.js';

const HINT = '; to trust a private authority, add it with NODE_EXTRA_CA_CERTS or the ca_file setting';

/**
 * ARCHITECTURE.md §3 "Classification": a refused certificate fails at once (TLS_ERROR, one
 * request, nothing saved) with a sentence naming the host, against real HTTPS servers whose
 * certificates the openssl CLI makes.
 */
describe('TLS errors in words', () => {
  let trusted: TestAuthority;
  let untrusted: TestAuthority;
  let origin: TlsOrigin;
  let engine: EngineHarness;
  beforeAll(() => {
    trusted = makeAuthority('Steadfast Trusted Test CA');
    untrusted = makeAuthority('Steadfast Unknown Test CA');
  });
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
  });

  /** Serves `identity` (self-signed when null) to an engine that trusts only `trusted` besides Node's roots. */
  async function failWith(identity: { cert: string; key: string } | undefined): Promise<string | null> {
    origin = await startTlsOrigin((_request, response) => response.end('never read'), identity);
    const secrets = new MemorySecretStore();
    engine = startEngine({ secrets, createSource: createSourceFactory({ secrets, extraCaCertificates: [trusted.certificate] }) });
    const { id } = await engine.manager.add({ url: origin.url('/file.bin?token=abc') });
    const failed = await engine.waitFor(id, (s) => s.status === 'failed' || s.status === 'completed');
    expect([failed.status, failed.error_code, failed.failed_count, failed.retry_info.next_retry_in]).toEqual(['failed', 'TLS_ERROR', 1, null]);
    expect(engine.store.listAttempts(id).map((a) => a.error_code)).toEqual(['TLS_ERROR']);
    // One connection, whose handshake failed: no request reached the handler, nothing was written.
    expect(origin.connections).toBe(1);
    expect(origin.requests).toEqual([]);
    expect(existsSync(join(engine.downloads, 'file.bin'))).toBe(false);
    expect(existsSync(join(engine.downloads, 'file.bin.partial'))).toBe(false);
    expect(failed.error_message).not.toMatch(/token|file\.bin/);
    return failed.error_message;
  }

  it('a self-signed certificate', async () => {
    expect(await failWith(undefined)).toBe(`127.0.0.1 uses a self-signed certificate, which is not trusted${HINT}`);
  });

  it('an expired certificate from a trusted authority', async () => {
    expect(await failWith(signLeaf(trusted, { altName: 'IP:127.0.0.1', days: -1 }))).toBe(
      "The certificate of 127.0.0.1 has expired; check this computer's date, or tell the site's owner",
    );
  });

  it('a certificate for another host name', async () => {
    expect(await failWith(signLeaf(trusted, { altName: 'DNS:other.example', days: 1 }))).toBe('The certificate is for other.example, not 127.0.0.1');
  });

  it('a certificate signed by an authority this computer does not trust', async () => {
    expect(await failWith(signLeaf(untrusted, { altName: 'IP:127.0.0.1', days: 1 }))).toBe(
      `The certificate of 127.0.0.1 is signed by an authority this computer does not trust${HINT}`,
    );
  });

  it('the same leaf completes once its authority is trusted (the certificates themselves are sound)', async () => {
    origin = await startTlsOrigin((_request, response) => response.end('hello'), signLeaf(trusted, { altName: 'IP:127.0.0.1', days: 1 }));
    const secrets = new MemorySecretStore();
    engine = startEngine({ secrets, createSource: createSourceFactory({ secrets, extraCaCertificates: [trusted.certificate] }) });
    const { id } = await engine.manager.add({ url: origin.url('/hello.txt') });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.total_bytes).toBe('5');
    expect(origin.requests).toEqual(['/hello.txt']);
  });
});
