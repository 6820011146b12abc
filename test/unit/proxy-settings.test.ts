import { describe, expect, it } from 'vitest';
import { parseInput, settingsPatchSchema } from '../../src-main/contract/schemas.js';
import { EngineSettings, splitProxyPassword } from '../../src-main/engine/engine-settings.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';

function memoryStore(initial: Record<string, unknown> = {}) {
  const values: Record<string, unknown> = { ...initial };
  return { values, readSettings: () => ({ ...values }), writeSettings: (patch: Record<string, unknown>) => void Object.assign(values, patch) };
}

describe('proxy and ca_file settings: the schema', () => {
  it('proxy takes "system", "none" or a proxy URL (http, https, socks4, socks5), nothing else', () => {
    for (const proxy of ['system', 'none', 'http://proxy:3128', 'https://u:p@proxy', 'socks5://127.0.0.1:1080', 'socks4://h:1', 'http://[::1]:3128/']) {
      expect(parseInput(settingsPatchSchema, { proxy }).proxy).toBe(proxy);
    }
    for (const proxy of ['', 'direct', 'ftp://proxy:21', 'proxy:3128', 'http://proxy:3128/path', 'http://proxy:3128/?q=1', 'http://proxy#x', 'file:///etc']) {
      expect(() => parseInput(settingsPatchSchema, { proxy }), proxy).toThrow(/^proxy: proxy must be "system", "none" or a URL/);
    }
  });

  it('proxy_password is write-only input; proxy_password_set cannot be written; ca_file is an absolute path or null', () => {
    expect(parseInput(settingsPatchSchema, { proxy_password: 'x', ca_file: '/etc/ssl/corp.pem' })).toEqual({ proxy_password: 'x', ca_file: '/etc/ssl/corp.pem' });
    expect(parseInput(settingsPatchSchema, { proxy_password: null, ca_file: null })).toEqual({ proxy_password: null, ca_file: null });
    expect(() => parseInput(settingsPatchSchema, { proxy_password_set: true })).toThrow(/Unrecognized key/);
    expect(() => parseInput(settingsPatchSchema, { ca_file: 'corp.pem' })).toThrow(/^ca_file: path must be an absolute path/);
    expect(() => parseInput(settingsPatchSchema, { proxy_password: '' })).toThrow(/^proxy_password:/);
  });
});

describe('proxy and ca_file settings: EngineSettings', () => {
  it('splitProxyPassword keeps scheme, user and host, and returns the password decoded', () => {
    expect(splitProxyPassword('http://alice:p%40ss%3Aw0rd@proxy.corp:3128/')).toEqual({ proxy: 'http://alice@proxy.corp:3128', password: 'p@ss:w0rd' });
    expect(splitProxyPassword('socks5://proxy:1080')).toEqual({ proxy: 'socks5://proxy:1080', password: null });
    expect(splitProxyPassword('system')).toEqual({ proxy: 'system', password: null });
  });

  it('a password in the URL goes to the secret store; the table and the settings hold the URL without it', () => {
    const store = memoryStore();
    const secrets = new MemorySecretStore();
    const settings = new EngineSettings({ store, secrets, defaultDownloadDir: '/dl' });
    expect(settings.current).toMatchObject({ proxy: 'system', proxy_password_set: false, ca_file: null });
    settings.update(parseInput(settingsPatchSchema, { proxy: 'http://alice:hunter2@proxy.corp:3128' }));
    expect(secrets.get('proxy_password')).toBe('hunter2');
    expect(store.values).toEqual({ proxy: 'http://alice@proxy.corp:3128' });
    expect(settings.current).toMatchObject({ proxy: 'http://alice@proxy.corp:3128', proxy_password_set: true });
    expect(JSON.stringify(settings.current)).not.toContain('hunter2');
  });

  it('an explicit proxy_password wins; a new proxy without one forgets the old password; the same proxy keeps it', () => {
    const secrets = new MemorySecretStore();
    const settings = new EngineSettings({ store: memoryStore(), secrets, defaultDownloadDir: '/dl' });
    settings.update({ proxy: 'http://a:inurl@p:1', proxy_password: 'explicit' });
    expect(secrets.get('proxy_password')).toBe('explicit');
    settings.update({ proxy: 'http://a@p:1' });
    expect(secrets.get('proxy_password')).toBe('explicit');
    settings.update({ proxy: 'http://a@elsewhere:1' });
    expect([secrets.get('proxy_password'), settings.current.proxy_password_set]).toEqual([null, false]);
    settings.update({ proxy_password: 'again' });
    settings.update({ proxy_password: null });
    expect(settings.current.proxy_password_set).toBe(false);
  });

  it('a password stored in the table by hand is never shown, and a stored proxy_password key is skipped', () => {
    const store = memoryStore({ proxy: 'http://a:leaked@p:1', proxy_password: 'nope' });
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => void warnings.push(message);
    try {
      const settings = new EngineSettings({ store, secrets: new MemorySecretStore(), defaultDownloadDir: '/dl' });
      expect(settings.current).toMatchObject({ proxy: 'http://a@p:1', proxy_password_set: false });
      expect(JSON.stringify(settings.current)).not.toMatch(/leaked|nope/);
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual(['steadfast: ignoring the stored setting "proxy_password": a secret belongs in the secret store. It is left in the database as it is.']);
  });
});
