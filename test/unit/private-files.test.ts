import { chmodSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { preparePrivateDataDir } from '../../src-main/store/private-files.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { tempDir } from '../support/engine-harness.js';

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('the data folder is its owner’s alone', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a new folder (and its missing parents) is 0700; a new database and its -wal and -shm are 0600', () => {
    root = tempDir();
    const dir = join(root, 'share', 'steadfast');
    expect(preparePrivateDataDir(dir)).toEqual([]);
    expect(modeOf(join(root, 'share'))).toBe(0o700);
    expect(modeOf(dir)).toBe(0o700);
    const store = SqliteStore.open(join(dir, 'steadfast.db'));
    try {
      for (const name of ['steadfast.db', 'steadfast.db-wal', 'steadfast.db-shm']) expect(modeOf(join(dir, name)), name).toBe(0o600);
    } finally {
      store.close();
    }
  });

  it('an existing folder and its private files left open by an older version are tightened, and reported; other files are not touched', () => {
    root = tempDir();
    const dir = join(root, 'data');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const loose: Record<string, number> = {
      'steadfast.db': 0o644,
      'steadfast.db-wal': 0o644,
      'steadfast.db-shm': 0o664,
      'steadfast.db.corrupt-2030-01-01T000000.000Z': 0o640,
      token: 0o644,
      'secrets.json': 0o666,
      'secrets.enc.json': 0o604,
    };
    for (const [name, mode] of Object.entries(loose)) {
      writeFileSync(join(dir, name), 'x');
      chmodSync(join(dir, name), mode);
    }
    writeFileSync(join(dir, 'window.json'), '{}');
    chmodSync(join(dir, 'window.json'), 0o644);
    // A link is not followed: its target is not the data folder's.
    const outside = join(root, 'elsewhere.txt');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'steadfast.db.link'));

    const tightened = preparePrivateDataDir(dir);

    expect(modeOf(dir)).toBe(0o700);
    for (const name of Object.keys(loose)) expect(modeOf(join(dir, name)), name).toBe(0o600);
    expect(modeOf(join(dir, 'window.json'))).toBe(0o644);
    expect(modeOf(outside)).toBe(0o644);
    expect(tightened).toEqual(
      expect.arrayContaining([
        { path: dir, from: 0o755, to: 0o700 },
        ...Object.entries(loose).map(([name, from]) => ({ path: join(dir, name), from, to: 0o600 })),
      ]),
    );
    expect(tightened).toHaveLength(1 + Object.keys(loose).length);
    // Done once: the next start has nothing to say.
    expect(preparePrivateDataDir(dir)).toEqual([]);
  });

  it('only takes permissions away: what its owner may not read or write stays so', () => {
    root = tempDir();
    writeFileSync(join(root, 'token'), 'x');
    chmodSync(join(root, 'token'), 0o044);
    writeFileSync(join(root, 'steadfast.db'), 'x');
    chmodSync(join(root, 'steadfast.db'), 0o444);
    preparePrivateDataDir(root);
    expect(modeOf(join(root, 'token'))).toBe(0o000);
    expect(modeOf(join(root, 'steadfast.db'))).toBe(0o400);
  });

  it('on Windows, where modes mean nothing, only creates the folder', () => {
    root = tempDir();
    const dir = join(root, 'data');
    expect(preparePrivateDataDir(dir, 'win32')).toEqual([]);
    expect(statSync(dir).isDirectory()).toBe(true);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'token'), 'x');
    chmodSync(join(dir, 'token'), 0o644);
    expect(preparePrivateDataDir(dir, 'win32')).toEqual([]);
    expect([modeOf(dir), modeOf(join(dir, 'token'))]).toEqual([0o755, 0o644]);
  });
});
