import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { type ApiHarness, startApi } from '../support/api-server.js';
import { type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;

/** A seeded choice, so a failing storm can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('concurrent actions on one download', () => {
  let origin: FaultOrigin;
  let server: ApiHarness;
  afterEach(async () => {
    await server?.close();
    await origin?.close();
  });

  it.each([14, 15, 16, 17, 18])('200 mixed actions at once, deletes among them (seed %i): no 5xx, every answer a state or a clear refusal, nothing left behind', async (seed) => {
    origin = await startFaultOrigin({ '/f.bin': { content: randomBytesSeeded(16 * MiB, seed) } });
    origin.throttle(2 * MiB, { perConnection: true });
    // 200 requests at once are 200 connections, over the default cap of 128 (ARCHITECTURE.md §7),
    // which resets the surplus; the storm is about concurrent actions, not the cap.
    server = await startApi({ connections: 4 }, { limits: { maxConnections: 256 } });
    const started = await server.api.post('/api/downloads/start', { url: origin.url('/f.bin') });
    const { id } = started.json as DownloadSnapshot;
    const random = seeded(seed);
    const actions = [
      () => server.api.post(`/api/downloads/${id}/pause`),
      () => server.api.post(`/api/downloads/${id}/resume`),
      () => server.api.post(`/api/downloads/${id}/cancel`),
      () => server.api.post(`/api/downloads/${id}/restart`),
      () => server.api.get(`/api/downloads/${id}`),
      () => server.api.get(`/api/downloads/${id}/progress`),
      () => server.api.get(`/api/downloads/${id}/attempts`),
      () => server.api.patch(`/api/downloads/${id}`, { speed_limit: 1024 * 1024 }),
      () => server.api.delete(`/api/downloads/${id}`),
    ];
    const answers = await Promise.all(Array.from({ length: 200 }, () => actions[Math.floor(random() * actions.length)]!()));

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    for (const answer of answers) {
      expect([200, 201, 204, 404, 409]).toContain(answer.status);
      if (answer.status >= 400) expect((answer.json as { error: { code: string } }).error.code).toMatch(/^(NOT_FOUND|INVALID_STATE)$/);
    }
    // A delete went through, so the download is gone, and so is its partial.
    expect(statuses).toContain(204);
    expect((await server.api.get(`/api/downloads/${id}`)).status).toBe(404);
    await server.engine.manager.shutdown();
    expect(readdirSync(server.engine.downloads).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
