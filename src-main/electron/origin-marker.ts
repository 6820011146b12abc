import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { DownloadsChange } from '../contract/api.js';
import type { DownloadSnapshot, DownloadSource } from '../contract/downloads.js';

/** The OS calls a marker makes; tests pass stand-ins. */
export interface MarkerSystem {
  platform: NodeJS.Platform;
  writeFile: (path: string, data: string) => Promise<unknown>;
  execFile: (file: string, args: readonly string[]) => Promise<unknown>;
  now: () => number;
  warn: (message: string) => void;
}

const realSystem = (platform: NodeJS.Platform): MarkerSystem => ({
  platform,
  writeFile: (path, data) => writeFile(path, data),
  execFile: promisify(execFile),
  now: Date.now,
  warn: (message) => console.warn(message),
});

/**
 * The address the OS may show as the file's origin: scheme, host and path. No credentials, query
 * or fragment: a signed URL's query is a secret, and the mark outlives the download. S3 objects
 * have no web address to give.
 */
export function originUrl(source: DownloadSource): string | null {
  if (source.kind !== 'http') return null;
  const url = new URL(source.url);
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Windows' Mark of the Web, as browsers write it: zone 3 is the Internet. There is no referring
 * page to name, so no ReferrerUrl.
 */
export function zoneIdentifier(source: DownloadSource): string {
  const host = originUrl(source);
  return `[ZoneTransfer]\r\nZoneId=3\r\n${host === null ? '' : `HostUrl=${host}\r\n`}`;
}

/** macOS' quarantine record: flags 0081 (downloaded, not yet approved), the time in hex seconds, the agent. */
export function quarantineValue(nowMs: number): string {
  return `0081;${Math.floor(nowMs / 1000).toString(16)};Steadfast;`;
}

/**
 * Marks a completed file as coming from the Internet, so the OS warns before opening an
 * executable (Windows' Zone.Identifier stream, macOS' com.apple.quarantine attribute; nothing on
 * Linux, whose desktops do not read such marks). A failure only warns: the download is done and
 * must stay done.
 */
export function createOriginMarker(system: Partial<MarkerSystem> & Pick<MarkerSystem, 'platform'>): (download: DownloadSnapshot) => Promise<void> {
  const os = { ...realSystem(system.platform), ...system };
  const write = async (download: DownloadSnapshot): Promise<void> => {
    if (os.platform === 'win32') await os.writeFile(`${download.path}:Zone.Identifier`, zoneIdentifier(download.source));
    else if (os.platform === 'darwin') {
      await os.execFile('/usr/bin/xattr', ['-w', 'com.apple.quarantine', quarantineValue(os.now()), download.path]);
    }
  };
  return async (download) => {
    try {
      await write(download);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      os.warn(`steadfast: could not mark "${download.path}" as downloaded from the Internet${typeof code === 'string' ? ` (${code})` : ''}`);
    }
  };
}

/**
 * Calls `onCompleted` once for each download that becomes completed in a change batch; those
 * already completed when the app started are left as they are.
 */
export function watchCompletions(initial: readonly DownloadSnapshot[], onCompleted: (download: DownloadSnapshot) => void): (change: DownloadsChange) => void {
  const completed = new Set(initial.filter((s) => s.status === 'completed').map((s) => s.id));
  return ({ snapshots, removed }) => {
    for (const id of removed) completed.delete(id);
    for (const s of snapshots) {
      if (s.status !== 'completed' || completed.has(s.id)) continue;
      completed.add(s.id);
      onCompleted(s);
    }
  };
}
