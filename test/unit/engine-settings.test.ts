import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { Settings } from '../../src-main/contract/settings.js';
import { EngineSettings } from '../../src-main/engine/engine-settings.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';

/** The settings table as a plain object: what was written, in order. */
function memoryStore(initial: Record<string, unknown> = {}) {
  const values: Record<string, unknown> = { ...initial };
  const writes: Record<string, unknown>[] = [];
  return {
    values,
    writes,
    readSettings: () => ({ ...values }),
    writeSettings: (patch: Record<string, unknown>) => {
      writes.push(patch);
      Object.assign(values, patch);
    },
  };
}

describe('EngineSettings', () => {
  let warn: MockInstance<typeof console.warn>;
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('stored settings over the defaults, the process override over both, and the override is never saved', () => {
    const store = memoryStore({ max_attempts: 7, connections: 4 });
    const settings = new EngineSettings({ store, secrets: new MemorySecretStore(), defaultDownloadDir: '/dl', override: { connections: 1 } });
    expect(settings.current).toMatchObject({ max_attempts: 7, connections: 1, download_dir: '/dl', backoff: 'exponential' });
    settings.update({ max_concurrent: 2 });
    expect(store.writes).toEqual([{ max_concurrent: 2 }]);
    expect(settings.current).toMatchObject({ max_concurrent: 2, connections: 1 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('the secret goes to the secret store, never to the settings table; only whether it is set is shown', () => {
    const store = memoryStore();
    const secrets = new MemorySecretStore();
    const settings = new EngineSettings({ store, secrets, defaultDownloadDir: '/dl' });
    expect(settings.current.s3_secret_access_key_set).toBe(false);
    settings.update({ s3_access_key_id: 'AKIAEXAMPLE', s3_secret_access_key: 'shh' });
    expect(secrets.get('s3_secret_access_key')).toBe('shh');
    expect(store.values).toEqual({ s3_access_key_id: 'AKIAEXAMPLE' });
    expect(settings.current).toMatchObject({ s3_access_key_id: 'AKIAEXAMPLE', s3_secret_access_key_set: true });
    expect(JSON.stringify(settings.current)).not.toContain('shh');
    settings.update({ s3_secret_access_key: null });
    expect(settings.current.s3_secret_access_key_set).toBe(false);
    // A later start sees the flag from the secret store.
    secrets.set('s3_secret_access_key', 'again');
    expect(new EngineSettings({ store, secrets, defaultDownloadDir: '/dl' }).current.s3_secret_access_key_set).toBe(true);
  });

  it('tells its listeners after each update, with the new settings, and writes only the patched keys', () => {
    const store = memoryStore();
    const settings = new EngineSettings({ store, secrets: new MemorySecretStore(), defaultDownloadDir: '/dl' });
    const seen: Settings[] = [];
    const stop = settings.onChange((next) => seen.push(next));
    settings.update({ speed_limit: 4096, download_dir: '/data/../data/dl' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ speed_limit: 4096, download_dir: '/data/dl' });
    expect(seen).toHaveLength(1);
    expect(store.writes).toHaveLength(1);
    stop();
    settings.update({ speed_limit: null });
    expect(seen).toHaveLength(1);
  });

  it('reads each stored key on its own and warns once per key it skips', () => {
    const store = memoryStore({ max_attempts: 7, connections: 99, backoff: 'sideways', future_thing: true, s3_secret_access_key: 'leaked' });
    const settings = new EngineSettings({ store, secrets: new MemorySecretStore(), defaultDownloadDir: '/dl' });
    expect(settings.current).toMatchObject({ max_attempts: 7, connections: 8, backoff: 'exponential', s3_secret_access_key_set: false });
    const lines = warn.mock.calls.map((call) => String(call[0]));
    expect(lines).toHaveLength(4);
    for (const key of ['connections', 'backoff', 'future_thing', 's3_secret_access_key']) {
      expect(lines.filter((line) => line.includes(`"${key}"`)), key).toHaveLength(1);
    }
    expect(lines.join('\n')).not.toMatch(/leaked|sideways|99/);
    expect(store.writes).toEqual([]);
  });
});
