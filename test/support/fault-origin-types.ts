/** What the fault origin (fault-origin.ts) serves, the faults it can be scripted with, and what it records. */

export interface ServedFile {
  content: Buffer;
  /** Omit this for a strong ETag made from the content hash. `null` makes a validator-less server, which the client must treat as unsafe to resume. */
  etag?: string | null;
  /** Sent as-is. It is also the only validator an HTTP-date `If-Range` can match. */
  lastModified?: string | null;
  contentDisposition?: string | null;
  /** More response headers, for example the Content-Encoding an S3 object was stored with. */
  headers?: Record<string, string>;
  /** A signed-in file: a request without exactly these headers (lower-case names) gets a 401. */
  requireHeaders?: Record<string, string>;
}

export type Fault =
  /** Served normally: holds a later fault back for a later request (e.g. past a download's first request). */
  | { kind: 'pass' }
  /** Served whole, but this response alone at `bytesPerSecond`: a slow link that never stalls. */
  | { kind: 'slow'; bytesPerSecond: number }
  /** Headers and the first `bytes` body bytes are sent, then the socket is destroyed (FIN after the flushed data). This is a cut connection mid-body. */
  | { kind: 'drop-after'; bytes: number }
  /** After `bytes` body bytes the server goes silent and keeps the socket open. Only the client's own timeout (or close()) ends it. */
  | { kind: 'stall-after'; bytes: number }
  /** A canned response such as 503 + Retry-After, 404 or 429. It needs no file at the path. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** An RST as soon as the request arrives, with no response at all. */
  | { kind: 'reset' }
  /** A server that does not do ranges: 200 with the whole file even when Range was asked for. */
  | { kind: 'ignore-range' }
  /** The normal Content-Length is announced but only `bytes` are written, then the socket is ended cleanly. A clean FIN must not pass for a finished file. */
  | { kind: 'short-body'; bytes: number }
  /** A 206 whose Content-Range starts at `claimedStart` (its length still matches the body) while the body starts at the offset that was asked for. A client that trusts it would write data at the wrong position. */
  | { kind: 'lying-content-range'; claimedStart: number }
  /** Correct status and Content-Range but no Content-Length (chunked), with `bytes` junk bytes after the real data. A client must stop at the range end or reject the response. */
  | { kind: 'extra-bytes'; bytes: number }
  /** The whole file gzip-compressed, sent as a 200 with Content-Encoding: gzip (Range ignored), like a misconfigured server that ignores Accept-Encoding: identity. */
  | { kind: 'gzip' }
  /**
   * An RST once the response has sent the file's byte `offset` (an absolute position, so it
   * hits whichever connection of a segmented download carries that byte). A response that does
   * not cover the byte, or dies before reaching it, leaves the fault armed for the next request.
   */
  | { kind: 'reset-at'; offset: number }
  /** After `bytes` body bytes, one more byte each second: never silent long enough to look stalled by silence alone. */
  | { kind: 'drip-after'; bytes: number }
  /** After `bytes` body bytes the whole origin goes down: every socket dies and nothing listens for `downMs`, then it serves again on the same port. */
  | { kind: 'restart-after'; bytes: number; downMs: number }
  /** After `bytes` body bytes the file is replaced by a new version (its own ETag) and the connection is dropped. */
  | { kind: 'replace-after'; bytes: number; file: ServedFile };

export interface RequestRecord {
  /** Path without the query string, the same key that script() and bytesSent() use. */
  path: string;
  method: string;
  /** Lower-case names. Repeated headers are joined with ", ". */
  headers: Record<string, string | undefined>;
  /** `null` while no status has been chosen, and for `reset`. */
  status: number | null;
  /** Updated while the body is written, so a test can watch one response's progress. */
  bytesSent: number;
  fault: Fault['kind'] | null;
}

export interface FaultOrigin {
  readonly port: number;
  /** `http://127.0.0.1:<port><path>`. The path defaults to `/file.bin`. */
  url(path?: string): string;
  /** Replaces what a path serves, for example a file that changes between attempts. */
  setFile(path: string, file: ServedFile): void;
  /** Queues faults for the next GET/HEAD requests to `path`, one per request. Once the queue is empty, requests are served normally. */
  script(path: string, ...faults: Fault[]): void;
  /** Paces body bytes across all connections together, like one slow link, so a UI test can watch progress move. `null` means full speed. */
  throttle(bytesPerSecond: number | null, options?: { perConnection?: boolean }): void;
  /** Every request, in arrival order. */
  readonly requests: readonly RequestRecord[];
  /**
   * Cuts (RST) the first response to `path` that carries each of these absolute byte offsets,
   * right at that byte, whichever request and connection it is: a link that drops at those points.
   */
  cutOnceAt(path: string, ...offsets: number[]): void;
  /** Takes the origin down now (every connection dies, new ones are refused) and back up after `downMs`. */
  down(downMs: number): Promise<void>;
  /** Body bytes the kernel accepted, over all paths or for one. Framing and headers are not counted. Bytes written before a drop are counted. */
  bytesSent(path?: string): number;
  /** Destroys every socket, stalled ones included, then closes the server. */
  close(): Promise<void>;
}
