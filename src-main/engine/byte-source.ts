import type { Readable } from 'node:stream';

/** What identifies one version of a remote file; a resume is only safe while it matches. */
export interface Validator {
  etag: string | null;
  lastModified: string | null;
}

export interface OpenRequest {
  /** Bytes already safe in the partial file; 0 asks for the whole file. */
  offset: number;
  /** Where a segment ends (exclusive): asks for `offset..end-1` only. */
  end?: number;
  /** Size recorded by an earlier attempt, if any. */
  total: number | null;
  /** Validator recorded by an earlier attempt. */
  validator: Validator;
  signal: AbortSignal;
}

export type OpenResult =
  /** Nothing is left to fetch: the partial already holds the whole file. */
  | { kind: 'complete'; total: number }
  | {
      kind: 'body';
      /** Where the body belongs in the file: the requested offset, or 0 when the source restarted. */
      start: number;
      total: number | null;
      validator: Validator;
      /** A file name the source suggests (Content-Disposition, the final URL). */
      suggestedName: string | null;
      /** Why an offset > 0 had to start again from 0; shown to the user. */
      restartReason: string | null;
      /** The server serves byte ranges, so the rest may be fetched over several connections. */
      acceptsRanges: boolean;
      body: Readable;
    };

/**
 * One place bytes come from (HTTP, S3). Implementations apply the resume rules of DESIGN.md §4
 * and throw classified DownloadErrors; the task owns writing, checkpoints and retries.
 */
export interface ByteSource {
  /** Host name for messages: never the full URL, which may carry a signed token. */
  readonly displayHost: string;
  open(request: OpenRequest): Promise<OpenResult>;
}
