/**
 * The fault matrix (issue 8): every fault a hostile or broken network can throw, against both
 * sources (HTTP through got, S3 through the SDK) and both ways of fetching (one connection, and
 * segmented over four). Every cell ends completed and byte-identical, or failed with the error
 * code that names the fault; never a crash, never a wrong byte under the final name.
 *
 * Both sources talk to the same scripted origin: S3's GetObject is a GET of /bucket/key with a
 * Range and If-Match, which the origin serves like any file, so each fault reaches the SDK as
 * real bytes on a real socket. Host names resolve through a lookup hook (no DNS query leaves
 * the machine), which is also how the DNS failure is made.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LookupFunction } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src-main/contract/error-codes.js';
import type { Settings } from '../../src-main/contract/settings.js';
import { createSourceFactory } from '../../src-main/sources/source-factory.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { FAST, startEngine, type EngineHarness } from '../support/engine-harness.js';
import { type Fault, type FaultOrigin, randomBytesSeeded, startFaultOrigin } from '../support/fault-origin.js';

const MiB = 1024 * 1024;
const SIZE = 4 * MiB;
/** Mid-body faults strike here: inside the first range even when the download is segmented. */
const MID = 512 * 1024;
const v1 = randomBytesSeeded(SIZE, 800);
const v2 = randomBytesSeeded(SIZE, 801);
const HOST = 'origin.steadfast.test';
const BUCKET = 'bucket';
const KEY = 'data.bin';

type SourceKind = 'http' | 's3';
type Mode = 'one connection' | 'segmented';

/** Twenty byte offsets from a fixed seed, spread over the whole file. */
const RESET_OFFSETS = (() => {
  const spread = randomBytesSeeded(20 * 4, 808);
  return Array.from({ length: 20 }, (_, i) => 1 + (spread.readUInt32LE(i * 4) % (SIZE - 1)));
})();

type Outcome =
  /** Completed with these bytes; every failed attempt before it carried one of `codes`. */
  | { status: 'completed'; content: Buffer; codes: readonly ErrorCode[]; failed: readonly [min: number, max: number] }
  | { status: 'failed'; code: ErrorCode; failed: number };

interface Context {
  origin: FaultOrigin;
  path: string;
  source: SourceKind;
  mode: Mode;
  dns: { failures: number };
}

interface Cell {
  name: string;
  settings?: Partial<Settings>;
  arrange(ctx: Context): void | Promise<void>;
  outcome(ctx: Context): Outcome;
  /**
   * The most the origin may send for a completed segmented download, in file sizes: a fault
   * costs what was in flight on its connection, not the whole attempt. Cells where the server
   * fails ranges start again from 0 and may send more.
   */
  maxSent?: number;
  /** Checks beyond the outcome, on the finished download's requests. */
  verify?(ctx: Context, attempts: { error_code: string | null; started_at: number; ended_at: number | null }[]): void;
}

/**
 * See Cell.maxSent: the file once, and one connection's bytes in flight (socket buffers, a few
 * MiB from a fast local origin) twice — the first response is open-ended, and is cut where its
 * range ends once the download splits; each fault cuts one connection more.
 */
const MAX_SENT = 2;

const completed = (content: Buffer, codes: readonly ErrorCode[], failed: readonly [number, number]): Outcome => ({
  status: 'completed',
  content,
  codes,
  failed,
});

/** An error reply: S3's XML error document, which a plain HTTP client just ignores. */
const errorReply = (status: number, code: string, headers: Record<string, string> = {}): Fault => ({
  kind: 'status',
  status,
  headers: { 'Content-Type': 'application/xml', ...headers },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>scripted</Message></Error>`,
});

const repeat = (fault: Fault, times: number): Fault[] => Array.from({ length: times }, () => fault);

/** S3 sends no redirects a client should follow: any 3xx is a response it cannot use. */
const redirectOutcome = (source: SourceKind, httpCode: ErrorCode): Outcome =>
  source === 's3' ? { status: 'failed', code: 'BAD_RESPONSE', failed: 1 } : { status: 'failed', code: httpCode, failed: 1 };

const CELLS: Cell[] = [
  ...RESET_OFFSETS.map(
    (offset): Cell => ({
      name: `connection reset (RST) at byte ${offset}`,
      arrange: ({ origin, path }) => origin.script(path, { kind: 'reset-at', offset }),
      // A segmented download may have finished with the byte's range before the RST lands.
      outcome: ({ mode }) => completed(v1, ['CONNECTION_RESET'], mode === 'segmented' ? [0, 1] : [1, 1]),
      verify: ({ origin, path, mode }) => {
        if (mode === 'segmented') return;
        // The retry resumes at or below the reset byte: never past what was sent, never a gap.
        const resume = /^bytes=(\d+)-$/.exec(origin.requests.filter((r) => r.path === path)[1]?.headers.range ?? 'bytes=0-');
        expect(Number(resume?.[1])).toBeLessThanOrEqual(offset);
      },
    }),
  ),
  {
    name: 'a stall mid-body',
    settings: { stall_timeout_seconds: 1 },
    arrange: ({ origin, path }) => origin.script(path, { kind: 'stall-after', bytes: MID }),
    // Segmented, the silent connection is cut and reconnects, unless the others are done first
    // and the download's own watchdog sees the silence.
    outcome: ({ mode }) => completed(v1, ['STALLED'], mode === 'segmented' ? [0, 1] : [1, 1]),
  },
  {
    name: 'a 1 byte/s drip mid-body',
    settings: { stall_timeout_seconds: 1 },
    arrange: ({ origin, path }) => origin.script(path, { kind: 'drip-after', bytes: MID }),
    outcome: ({ mode }) => completed(v1, ['STALLED'], mode === 'segmented' ? [0, 1] : [1, 1]),
  },
  {
    name: 'a storm of three 503s without Retry-After',
    arrange: ({ origin, path }) => origin.script(path, ...repeat(errorReply(503, 'ServiceUnavailable'), 3)),
    outcome: () => completed(v1, ['SERVER_ERROR'], [3, 3]),
  },
  {
    name: 'a storm of 503s longer than the attempts',
    arrange: ({ origin, path }) => origin.script(path, ...repeat(errorReply(503, 'ServiceUnavailable'), 5)),
    outcome: () => ({ status: 'failed', code: 'SERVER_ERROR', failed: 5 }),
  },
  {
    name: 'a storm of two 503s with Retry-After: 1',
    arrange: ({ origin, path }) =>
      origin.script(path, ...repeat(errorReply(503, 'ServiceUnavailable', { 'Retry-After': '1' }), 2)),
    outcome: () => completed(v1, ['SERVER_ERROR'], [2, 2]),
    verify: (_ctx, attempts) => {
      // The schedule alone would wait 0.05 s, then 0.1 s; the server asked for a second each time.
      for (let i = 1; i < attempts.length; i++) {
        expect(attempts[i]!.started_at - attempts[i - 1]!.ended_at!).toBeGreaterThanOrEqual(990);
      }
    },
  },
  {
    name: 'a DNS failure',
    arrange: ({ dns }) => {
      dns.failures = 1;
    },
    outcome: () => completed(v1, ['DNS_FAILURE'], [1, 1]),
  },
  {
    name: 'connection refused',
    settings: { initial_delay_seconds: 0.1 },
    arrange: ({ origin }) => void origin.down(200),
    outcome: () => completed(v1, ['CONNECTION_REFUSED'], [1, 4]),
  },
  {
    name: 'the origin restarted mid-body',
    settings: { initial_delay_seconds: 0.1 },
    arrange: ({ origin, path }) => origin.script(path, { kind: 'restart-after', bytes: MID, downMs: 200 }),
    // Segmented, the connections reconnect on their own while the origin is back within their retries.
    outcome: ({ mode }) => completed(v1, ['CONNECTION_RESET', 'SHORT_BODY', 'CONNECTION_REFUSED'], mode === 'segmented' ? [0, 4] : [1, 4]),
  },
  {
    name: 'the ETag changes mid-download',
    arrange: ({ origin, path }) => origin.script(path, { kind: 'replace-after', bytes: MID, file: { content: v2 } }),
    // Refused at the first request that meets the new version, the old bytes kept for a fresh
    // link: never the new bytes after the old ones. Segmented, the cut is one connection's retry.
    outcome: ({ mode }) => ({ status: 'failed', code: 'FILE_CHANGED', failed: mode === 'segmented' ? 1 : 2 }),
  },
  {
    name: 'Range ignored (200 with the whole file, Accept-Ranges still claimed)',
    // The split ranges answered whole, then the file again over one connection.
    maxSent: 3,
    arrange: ({ origin, path }) =>
      origin.script(path, { kind: 'drop-after', bytes: MID }, ...repeat({ kind: 'ignore-range' }, 30)),
    // Segmented, a range answered with the whole file may come before the cut: then it goes on
    // over one connection without a failed attempt, and the cut never happens.
    outcome: ({ mode }) => completed(v1, ['CONNECTION_RESET', 'SHORT_BODY'], mode === 'segmented' ? [0, 1] : [1, 1]),
  },
  {
    name: 'a lying Content-Length (more announced than sent, then a clean close)',
    arrange: ({ origin, path }) => origin.script(path, { kind: 'short-body', bytes: MID }),
    outcome: ({ mode }) => completed(v1, ['SHORT_BODY', 'CONNECTION_RESET'], mode === 'segmented' ? [0, 1] : [1, 1]),
  },
  {
    name: 'a lying Content-Range on the resume',
    arrange: ({ origin, path }) =>
      origin.script(path, { kind: 'drop-after', bytes: MID }, { kind: 'lying-content-range', claimedStart: 0 }),
    // Segmented, the lie may answer a range before the cut lands: the source then fetches the
    // same file whole, which reads as a server that does not do ranges, so the download goes on
    // over one connection without a failed attempt, and the cut never happens.
    outcome: ({ mode }) =>
      completed(v1, ['CONNECTION_RESET', 'SHORT_BODY', 'BAD_RESPONSE'], mode === 'segmented' ? [0, 2] : [1, 1]),
  },
  {
    name: 'a body longer than its range (chunked, junk after the end)',
    arrange: ({ origin, path }) =>
      origin.script(path, { kind: 'drop-after', bytes: MID }, { kind: 'extra-bytes', bytes: 10_000 }),
    outcome: ({ mode }) =>
      completed(v1, ['CONNECTION_RESET', 'SHORT_BODY', 'BODY_TOO_LONG'], mode === 'segmented' ? [0, 1] : [2, 2]),
  },
  {
    name: 'a redirect loop',
    arrange: ({ origin, path }) =>
      origin.script(path, ...repeat({ kind: 'status', status: 302, headers: { Location: path } }, 20)),
    outcome: ({ source }) => redirectOutcome(source, 'TOO_MANY_REDIRECTS'),
  },
  {
    name: 'a redirect to a non-http(s) scheme',
    arrange: ({ origin, path }) =>
      origin.script(path, { kind: 'status', status: 302, headers: { Location: `ftp://${HOST}${path}` } }),
    outcome: ({ source }) => redirectOutcome(source, 'UNSUPPORTED_SCHEME'),
  },
  {
    name: 'oversized response headers (32 KiB)',
    arrange: ({ origin, path }) =>
      origin.script(path, { kind: 'status', status: 200, headers: { 'X-Padding': 'a'.repeat(32 * 1024) }, body: 'x' }),
    outcome: () => ({ status: 'failed', code: 'BAD_RESPONSE', failed: 1 }),
  },
  {
    name: 'a gzip-encoded body',
    arrange: ({ origin, path, source }) => {
      // HTTP: a server that compresses although asked for identity; the file is what it encoded.
      // S3: an object stored with Content-Encoding: gzip; the object is its stored bytes.
      if (source === 'http') origin.script(path, { kind: 'gzip' });
      else origin.setFile(path, { content: gzipSync(v1), headers: { 'Content-Encoding': 'gzip' } });
    },
    outcome: ({ source }) => completed(source === 'http' ? v1 : gzipSync(v1), [], [0, 0]),
  },
];

describe.each([
  ['http', 'one connection'],
  ['http', 'segmented'],
  ['s3', 'one connection'],
  ['s3', 'segmented'],
] as const)('fault matrix: %s, %s', (source, mode) => {
  let origin: FaultOrigin | undefined;
  let engine: EngineHarness | undefined;
  afterEach(async () => {
    await engine?.close();
    await origin?.close();
    engine = undefined;
    origin = undefined;
  });

  it.each(CELLS.map((cell) => [cell.name, cell] as const))('%s', async (_name, cell) => {
    const path = source === 'http' ? '/files/data.bin' : `/${BUCKET}/${KEY}`;
    origin = await startFaultOrigin({ [path]: { content: v1 } });
    const dns = { failures: 0 };
    const ctx: Context = { origin, path, source, mode, dns };
    await cell.arrange(ctx);

    const lookup = ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
      if (dns.failures > 0) {
        dns.failures -= 1;
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
        return;
      }
      dnsLookup('127.0.0.1', options, callback as (err: Error | null, a: string | LookupAddress[], f?: number) => void);
    }) as unknown as LookupFunction;
    const settings: Partial<Settings> = {
      ...FAST,
      connections: mode === 'segmented' ? 4 : 1,
      s3_access_key_id: 'MATRIX',
      ...cell.settings,
    };
    const secrets = new MemorySecretStore();
    secrets.set('s3_secret_access_key', 'matrix-secret');
    engine = startEngine({ settings, secrets, createSource: createSourceFactory({ secrets, lookup }) });
    const endpoint = `http://${HOST}:${origin.port}`;
    const { id } = await engine.manager.add(
      source === 'http' ? { url: `${endpoint}${path}` } : { s3: { bucket: BUCKET, key: KEY, endpoint } },
    );
    const expected = cell.outcome(ctx);
    const final = await engine.waitFor(id, (s) => s.status === 'completed' || s.status === 'failed', 30_000);
    const attempts = engine.store.listAttempts(id);
    const files = readdirSync(engine.downloads);

    if (expected.status === 'completed') {
      expect(final.status, final.error_message ?? '').toBe('completed');
      expect(readFileSync(final.path).equals(expected.content)).toBe(true);
      expect(files).toEqual([KEY]);
      const failures = attempts.filter((a) => a.error_code !== null);
      expect(failures.length).toBeGreaterThanOrEqual(expected.failed[0]);
      expect(failures.length).toBeLessThanOrEqual(expected.failed[1]);
      for (const a of failures) expect(expected.codes, a.error_message ?? '').toContain(a.error_code);
      expect(engine.store.listSegments(id)).toEqual([]);
      if (mode === 'segmented') {
        expect(origin.bytesSent(path) / SIZE, 'file sizes sent').toBeLessThanOrEqual(cell.maxSent ?? MAX_SENT);
      }
    } else {
      expect(final.status).toBe('failed');
      expect(final.error_code, final.error_message ?? '').toBe(expected.code);
      expect(final.failed_count).toBe(expected.failed);
      // Nothing under the final name: at most the partial, kept for a Restart.
      expect(files.filter((f) => !f.endsWith('.partial'))).toEqual([]);
      // What it recorded is the first version's own bytes, whatever came after.
      const recorded = engine.store.listSegments(id);
      const ranges = recorded.length > 0 ? recorded : [{ start: 0, done: Number(final.downloaded_bytes) }];
      const partial = files.includes(`${KEY}.partial`) ? readFileSync(join(engine.downloads, `${KEY}.partial`)) : Buffer.alloc(0);
      for (const r of ranges) expect(partial.subarray(r.start, r.start + r.done).equals(v1.subarray(r.start, r.start + r.done))).toBe(true);
    }
    cell.verify?.(ctx, attempts);
  });
});
