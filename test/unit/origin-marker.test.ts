import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DownloadSnapshot, DownloadSource } from '../../src-main/contract/downloads.js';
import { createOriginMarker, watchCompletions } from '../../src-main/electron/origin-marker.js';

const SIGNED = 'https://user:pw@files.example.com:8443/dir/setup.exe?X-Amz-Signature=s3cr3t#part';
const NOW = 1_700_000_000_000; // 0x6553f100 seconds

const download = (path: string, source: DownloadSource = { kind: 'http', url: SIGNED }, status: DownloadSnapshot['status'] = 'completed') =>
  ({ id: 'd1', status, source, path }) as DownloadSnapshot;

describe('origin marker', () => {
  let dir: string;
  let file: string;
  const calls: unknown[][] = [];
  const warnings: string[] = [];
  const record = (name: string) => async (...args: unknown[]) => void calls.push([name, ...args]);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'steadfast-marker-'));
    file = join(dir, 'setup.exe');
    writeFileSync(file, 'MZ');
    calls.length = 0;
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('Windows: writes <file>:Zone.Identifier, zone 3, HostUrl without credentials, query or fragment', async () => {
    // The real writer: on NTFS the name is the file's alternate data stream; here, a file beside it.
    await createOriginMarker({ platform: 'win32', execFile: record('execFile'), warn: (m) => warnings.push(m) })(download(file));
    expect(readFileSync(`${file}:Zone.Identifier`, 'utf8')).toBe(
      '[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=https://files.example.com:8443/dir/setup.exe\r\n',
    );
    expect(readFileSync(file, 'utf8')).toBe('MZ');
    expect([calls, warnings]).toEqual([[], []]);
  });

  it('Windows: an S3 object gets zone 3 with no address', async () => {
    await createOriginMarker({ platform: 'win32', writeFile: record('writeFile') })(download(file, { kind: 's3', bucket: 'media', key: 'a.exe' }));
    expect(calls).toEqual([['writeFile', `${file}:Zone.Identifier`, '[ZoneTransfer]\r\nZoneId=3\r\n']]);
  });

  it('macOS: sets com.apple.quarantine through /usr/bin/xattr, with the time in hex seconds', async () => {
    await createOriginMarker({ platform: 'darwin', execFile: record('execFile'), writeFile: record('writeFile'), now: () => NOW })(download(file));
    expect(calls).toEqual([['execFile', '/usr/bin/xattr', ['-w', 'com.apple.quarantine', '0081;6553f100;Steadfast;', file]]]);
  });

  it('Linux: marks nothing', async () => {
    await createOriginMarker({ platform: 'linux', execFile: record('execFile'), warn: (m) => warnings.push(m) })(download(file));
    expect(readdirSync(dir)).toEqual(['setup.exe']);
    expect([calls, warnings]).toEqual([[], []]);
  });

  it('a failure to mark only warns, naming the file and the error code, never the URL', async () => {
    const denied = Object.assign(new Error(`EACCES: ${SIGNED}`), { code: 'EACCES' });
    const failingWrite = async () => Promise.reject(denied);
    const throwingExec = () => {
      throw Object.assign(new Error('spawn /usr/bin/xattr ENOENT'), { code: 'ENOENT' });
    };
    await expect(createOriginMarker({ platform: 'win32', writeFile: failingWrite, warn: (m) => warnings.push(m) })(download(file))).resolves.toBeUndefined();
    await expect(createOriginMarker({ platform: 'darwin', execFile: throwingExec, warn: (m) => warnings.push(m) })(download(file))).resolves.toBeUndefined();
    expect(warnings).toEqual([
      `steadfast: could not mark "${file}" as downloaded from the Internet (EACCES)`,
      `steadfast: could not mark "${file}" as downloaded from the Internet (ENOENT)`,
    ]);
    expect(readFileSync(file, 'utf8')).toBe('MZ');
  });

  it('marks each download once, when it becomes completed; not those completed before the app started', () => {
    const marked: string[] = [];
    const old = { ...download(file), id: 'old' };
    const changes = watchCompletions([old, download(file, undefined, 'downloading')], (d) => marked.push(d.id));
    changes({ snapshots: [old, download(file, undefined, 'downloading')], removed: [] });
    changes({ snapshots: [download(file)], removed: [] });
    changes({ snapshots: [download(file)], removed: [] });
    changes({ snapshots: [{ ...download(file), id: 'd2' }], removed: ['d1'] });
    expect(marked).toEqual(['d1', 'd2']);
  });
});
