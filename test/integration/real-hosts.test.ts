/**
 * Segmented downloads against a real nginx configured as file hosts are (ARCHITECTURE.md §5
 * "Connections and attempts"): a per-client connection limit, a per-connection rate limit. The
 * engine runs with the default number of connections, as every user gets it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src-main/contract/settings.js';
import { type EngineHarness, startEngine } from '../support/engine-harness.js';
import { type NginxOrigin, startNginx } from '../support/nginx-origin.js';
import { randomBytesSeeded } from '../support/seeded-bytes.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const DEFAULTS = { connections: DEFAULT_SETTINGS.connections, stall_timeout_seconds: DEFAULT_SETTINGS.stall_timeout_seconds };

describe('a host that allows 2 connections per client (nginx limit_conn 2)', () => {
  let nginx: NginxOrigin | undefined;
  let engine: EngineHarness | undefined;
  afterEach(async () => {
    await engine?.close();
    await nginx?.close();
    engine = undefined;
    nginx = undefined;
  });

  it('completes with default settings and no failed attempt, learns the limit, and starts the next download at it', async () => {
    const content = randomBytesSeeded(64 * MiB, 130);
    nginx = await startNginx({ files: { '/a.bin': content, '/b.bin': content }, limitConn: 2 });
    engine = startEngine({ settings: DEFAULTS });
    const first = await engine.manager.add({ url: nginx.url('/a.bin') });
    const done = await engine.waitForStatus(first.id, 'completed', 60_000);
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    expect(done.connection_limit).toBe(2);
    const turnedAway = nginx.requests().filter((r) => r.path === '/a.bin' && r.status === 503).length;
    expect(turnedAway).toBeGreaterThan(0);

    const second = await engine.manager.add({ url: nginx.url('/b.bin') });
    const again = await engine.waitForStatus(second.id, 'completed', 60_000);
    expect(sha256(readFileSync(again.path))).toBe(sha256(content));
    // Remembered: the second download never opens more than the host allows.
    await nginx.waitForRequests(nginx.requests().length);
    expect(nginx.requests().filter((r) => r.path === '/b.bin' && r.status === 503)).toEqual([]);
  });

  it('with limit_rate 1m, 16 MiB takes two connections\' time, not one', async () => {
    const content = randomBytesSeeded(16 * MiB, 131);
    nginx = await startNginx({ files: { '/f.bin': content }, limitConn: 2, limitRate: '1m' });
    engine = startEngine({ settings: DEFAULTS });
    const started = Date.now();
    const { id } = await engine.manager.add({ url: nginx.url('/f.bin') });
    const done = await engine.waitForStatus(id, 'completed', 60_000);
    const seconds = (Date.now() - started) / 1000;
    expect(sha256(readFileSync(done.path))).toBe(sha256(content));
    expect(done.failed_count).toBe(0);
    console.log(`limit_conn 2 + limit_rate 1m, 16 MiB: ${seconds.toFixed(1)} s`);
    // The target: 2 connections' worth, at most 10 s (curl and aria2c -x8 take about 15 s here).
    expect(seconds).toBeLessThanOrEqual(10);
  });
});
