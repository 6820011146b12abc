import type { Readable } from 'node:stream';

/** What identifies one version of a remote file; a resume is only safe while it matches. */
export interface Validator {
  etag: string | null;
  lastModified: string | null;
}

export interface OpenRequest {
  /** The first byte wanted. With neither `offset` nor `end`, the whole file is asked for. */
  offset: number;
  /** Where a bounded range ends (exclusive); absent asks for everything from `offset` on. */
  end?: number;
  /**
   * Ask for the whole file as the range `bytes=0-`: a 206 proves the server serves ranges before
   * the download is split, and carries the size and validator like a 200 does.
   */
  asRange?: boolean;
  /**
   * The version the bytes on disk belong to: a ranged request carries it (If-Range, IfMatch) so
   * the server answers with the whole new file rather than a range of it when the file changed.
   */
  validator: Validator;
  signal: AbortSignal;
}

/** What a response said about itself, before anyone decides what it means for the partial. */
interface ResponseHeaders {
  /** The file's size as this response tells it (Content-Range's total, or Content-Length of a whole body). */
  total: number | null;
  validator: Validator;
  /** A file name the source suggests (Content-Disposition, the final URL). */
  suggestedName: string | null;
  /** The media type the response says its body is (`text/html`…), without parameters, lower case; null when unsaid. */
  contentType: string | null;
  body: Readable;
}

/**
 * The facts of one response, as sources report them (ARCHITECTURE.md §4 "Resume rules"). Sources
 * do not decide whether a response may continue the partial: resume-rules.ts does, in one place.
 */
export type OpenResult =
  /** A byte range (206). `first` is where the server says it starts; null when that cannot be read. */
  | (ResponseHeaders & { kind: 'partial'; first: number | null; encoded: boolean })
  /**
   * The whole file (200). A body the server encoded is handed over `decoded`, with no size: its
   * `validator` is still the response's, to tell whether the file changed, but no resume may
   * rely on it, since offsets into a decoded body mean nothing to the server.
   */
  | (ResponseHeaders & { kind: 'whole'; acceptsRanges: boolean; decoded: boolean })
  /** 416: the server has no byte at `offset`; `total` is what it says the size is, if it says. */
  | { kind: 'unsatisfiable'; total: number | null }
  /** The server refused the validator (S3's 412 on IfMatch): the file changed. */
  | { kind: 'changed' };

/**
 * One place bytes come from (HTTP, S3): the transports in src-main/sources/ implement it. A
 * refusal or a broken connection is thrown as a classified DownloadError.
 */
export interface ByteSource {
  /** Host name for messages: never the full URL, which may carry a signed token. */
  readonly displayHost: string;
  open(request: OpenRequest): Promise<OpenResult>;
}
