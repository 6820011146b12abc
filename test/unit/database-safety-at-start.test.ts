import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client.js';
import { runCli } from '../support/cli-process.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'steadfast-dbsafety-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('at start: the first start fails loudly, only the second starts empty', () => {
  it('`steadfast serve` on a damaged database exits 1 saying where the file went; the next start runs', async () => {
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    const garbage = Buffer.from('definitely not SQLite\n'.repeat(200));
    fs.writeFileSync(path.join(dataDir, 'steadfast.db'), garbage);
    const args = ['serve', '--port', '0', '--data-dir', dataDir, '--download-dir', path.join(dir, 'dl'), '--token', 't0123456789abcdef'];

    const first = await runCli(args).exited;
    expect(first.code).toBe(1);
    expect(first.stdout).not.toContain('Steadfast is running');
    const moved = fs.readdirSync(dataDir).filter((name) => name.startsWith('steadfast.db.corrupt-'));
    expect(moved).toHaveLength(1);
    expect(first.stderr).toContain(`steadfast: The database ${path.join(dataDir, 'steadfast.db')} is damaged (file is not a database`);
    expect(first.stderr).toContain(`It was moved to ${path.join(dataDir, moved[0]!)}`);
    expect(first.stderr).toContain('Starting Steadfast again begins with an empty download list');
    expect(fs.readFileSync(path.join(dataDir, moved[0]!)).equals(garbage)).toBe(true);

    const second = runCli(args);
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the second start did not come up: ${out}`)), 20_000);
      second.child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const listening = /API: http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (listening) {
          clearTimeout(timer);
          resolve(Number(listening[1]));
        }
      });
    });
    // It serves, with an empty list.
    const listed = await apiClient(port, 't0123456789abcdef').get('/api/downloads');
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({ downloads: [] });
    second.child.kill('SIGTERM');
    await second.exited;
    const db = new Database(path.join(dataDir, 'steadfast.db'), { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM downloads').get() as { n: number }).n).toBe(0);
    db.close();
  });
});
