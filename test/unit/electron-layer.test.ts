import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { pauseAll, resumeAll } from '../../src-main/electron/bulk-actions.js';
import { createNoticeWatcher, overallProgress } from '../../src-main/electron/desktop-notices.js';
import { electronSqliteBinding } from '../../src-main/electron/native-binding.js';
import { SafeStorageSecretStore } from '../../src-main/electron/safe-storage-secrets.js';
import { trustedSender } from '../../src-main/electron/sender-check.js';
import { CONTENT_SECURITY_POLICY, windowOptions } from '../../src-main/electron/window-options.js';
import { restoreBounds, saveBounds } from '../../src-main/electron/window-state.js';

const snap = (id: string, status: DownloadSnapshot['status'], done = 0, total: number | null = 100): DownloadSnapshot =>
  ({
    id,
    status,
    filename: `${id}.bin`,
    downloaded_bytes: String(done),
    total_bytes: total === null ? null : String(total),
    error_message: status === 'failed' ? 'Max retries exceeded: Temporary server error (HTTP 503 Service Unavailable)' : null,
  }) as DownloadSnapshot;

describe('the window', () => {
  it("follows Electron's security checklist", () => {
    const options = windowOptions('/app/out/preload/preload.cjs', null);
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('accepts calls only from its own page', () => {
    const check = trustedSender('file:///app/out/renderer/index.html');
    expect(check({ url: 'file:///app/out/renderer/index.html' })).toBe(true);
    expect(check({ url: 'file:///app/out/renderer/index.html#x' })).toBe(true);
    expect(check({ url: 'file:///app/out/renderer/other.html' })).toBe(false);
    expect(check({ url: 'https://evil.example/' })).toBe(false);
    expect(check(null)).toBe(false);
  });

  describe('remembers its bounds', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'steadfast-window-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

    it('restores what fits a display, and nothing that does not', () => {
      const file = join(dir, 'window.json');
      expect(restoreBounds(file, screen)).toBeNull();
      saveBounds(file, { x: 100, y: 80, width: 1200, height: 800 });
      expect(restoreBounds(file, screen)).toEqual({ x: 100, y: 80, width: 1200, height: 800 });
      saveBounds(file, { x: 3000, y: 80, width: 1200, height: 800 });
      expect(restoreBounds(file, screen)).toBeNull();
      writeFileSync(file, '{"x": "a"}');
      expect(restoreBounds(file, screen)).toBeNull();
      expect(windowOptions('/p', { x: 1, y: 2, width: 900, height: 600 })).toMatchObject({ x: 1, y: 2, width: 900, height: 600 });
    });
  });
});

describe('native touches', () => {
  it('notifies on completion and final failure, only on transitions', () => {
    const watch = createNoticeWatcher([snap('old', 'completed', 100)]);
    expect(watch({ snapshots: [snap('old', 'completed', 100), snap('a', 'downloading', 10)], removed: [] })).toEqual([]);
    expect(watch({ snapshots: [snap('a', 'completed', 100)], removed: [] })).toEqual([{ title: 'Download complete', body: 'a.bin' }]);
    expect(watch({ snapshots: [snap('a', 'completed', 100)], removed: [] })).toEqual([]);
    expect(watch({ snapshots: [snap('b', 'retrying'), snap('b', 'failed')], removed: [] })).toEqual([
      { title: 'Download failed', body: 'b.bin: Max retries exceeded: Temporary server error (HTTP 503 Service Unavailable)' },
    ]);
  });

  it('shows progress over all active downloads of known size', () => {
    expect(overallProgress([])).toBe(-1);
    expect(overallProgress([snap('a', 'completed', 100)])).toBe(-1);
    expect(overallProgress([snap('a', 'downloading', 25), snap('b', 'retrying', 75), snap('c', 'queued', 0, null)])).toBe(0.5);
    expect(overallProgress([snap('a', 'paused', 25), snap('b', 'downloading', 50)])).toBe(0.5);
  });

  it('pauses and resumes all', async () => {
    const calls: string[] = [];
    const list = [snap('a', 'downloading'), snap('b', 'retrying'), snap('c', 'paused'), snap('d', 'completed'), snap('e', 'queued')];
    const api = {
      list: async () => list,
      pause: async (id: string) => (calls.push(`pause ${id}`), list[0]!),
      resume: async (id: string) => (calls.push(`resume ${id}`), list[0]!),
    };
    expect(await pauseAll(api)).toBe(3);
    expect(await resumeAll(api)).toBe(1);
    expect(calls).toEqual(['pause a', 'pause b', 'pause e', 'resume c']);
  });
});

describe('secrets with safeStorage', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'steadfast-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  // A reversible stand-in for the OS keychain: what matters is that only ciphertext is stored.
  const keychain = (available = true) => ({
    isEncryptionAvailable: () => available,
    encryptString: (plain: string) => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (encrypted: Buffer) => Buffer.from(encrypted.map((b) => b ^ 0x5a)).toString('utf8'),
  });

  it('keeps only ciphertext on disk, mode 0600', () => {
    const store = new SafeStorageSecretStore(dir, keychain());
    store.set('s3_secret_access_key', 'wJalrXUtnFEMI-secret');
    expect(store.get('s3_secret_access_key')).toBe('wJalrXUtnFEMI-secret');
    const file = join(dir, 'secrets.enc.json');
    expect(readFileSync(file, 'utf8')).not.toContain('wJalrXUtnFEMI');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    store.set('s3_secret_access_key', null);
    expect(store.get('s3_secret_access_key')).toBeNull();
  });

  it('refuses to store a secret where the OS cannot encrypt it', () => {
    const store = new SafeStorageSecretStore(dir, keychain(false));
    expect(() => store.set('s3_secret_access_key', 'x')).toThrow('This system offers no encrypted storage for secrets');
  });
});

describe('the Electron build of better-sqlite3', () => {
  it('is looked for apart from node_modules, and reported missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadfast-native-'));
    try {
      expect(electronSqliteBinding(dir, dir, false)).toBeNull();
      const dev = join(dir, 'native', 'electron');
      mkdirSync(dev, { recursive: true });
      writeFileSync(join(dev, 'better_sqlite3.node'), '');
      expect(electronSqliteBinding(dir, '/nowhere', false)).toBe(join(dev, 'better_sqlite3.node'));
      expect(electronSqliteBinding('/nowhere', dir, true)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
