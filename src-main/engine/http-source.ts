import type { LookupFunction } from 'node:net';
import got, { type Request } from 'got';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { pipeline, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { ByteSource, OpenRequest, OpenResult, Validator } from './byte-source.js';
import { classifyHttpStatus, classifyNetworkError } from './classify-error.js';
import { parseContentRange } from './content-range.js';
import { permanentError, transientError } from './download-error.js';
import { filenameFromContentDisposition, filenameFromUrl } from './file-names.js';

export interface HttpSourceOptions {
  /** DNS hook: tests inject failures here instead of making real DNS queries. */
  lookup?: LookupFunction;
  now?: () => number;
}

interface Opened {
  request: Request;
  response: IncomingMessage & { url?: string };
}

const MAX_REDIRECTS = 10;

/** Only a strong ETag proves two responses carry the same bytes (RFC 9110 §8.8.3). */
const strongEtag = (headers: IncomingHttpHeaders): string | null => {
  const etag = headers.etag;
  return etag && !etag.startsWith('W/') ? etag : null;
};

const validatorOf = (headers: IncomingHttpHeaders): Validator => ({
  etag: strongEtag(headers),
  lastModified: headers['last-modified'] ?? null,
});

const contentLength = (headers: IncomingHttpHeaders): number | null => {
  const value = headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
};

const contentEncoding = (headers: IncomingHttpHeaders): string => {
  const value = (headers['content-encoding'] ?? '').trim().toLowerCase();
  return value === '' ? 'identity' : value;
};

/** Real codings Node 20 cannot decode: keeping their bytes would save something else than the file. */
const UNDECODABLE = new Set(['compress', 'x-compress', 'zstd']);

/**
 * How to turn a body the server encoded (although we asked for identity) back into the file:
 * null keeps the bytes as sent. A `.gz` file sent as `Content-Encoding: gzip` is a gzip file
 * described badly (the classic server misconfiguration), so it stays compressed, as browsers do.
 * Values that name no coding ("none", "binary", "utf-8" are all seen) mean identity, as browsers
 * take them.
 */
function decoderFor(encoding: string, filename: string | null): (() => Transform) | null | 'unsupported' {
  if (encoding === 'gzip' || encoding === 'x-gzip') return /\.(gz|tgz|gzip)$/i.test(filename ?? '') ? null : createGunzip;
  if (encoding === 'deflate') return createInflate;
  if (encoding === 'br') return createBrotliDecompress;
  return UNDECODABLE.has(encoding) ? 'unsupported' : null;
}

const sameVersion = (recorded: Validator, current: Validator): boolean => {
  if (recorded.etag !== null && current.etag !== null) return recorded.etag === current.etag;
  if (recorded.lastModified !== null && current.lastModified !== null) {
    return recorded.lastModified === current.lastModified;
  }
  return true;
};

/**
 * HTTP(S) via got's stream API with DESIGN.md §4's resume rules. got never retries and never
 * decompresses: our policy owns retries and the partial must hold the raw bytes.
 */
export class HttpSource implements ByteSource {
  readonly displayHost: string;

  constructor(
    private readonly url: string,
    private readonly options: HttpSourceOptions = {},
  ) {
    this.displayHost = new URL(url).host;
  }

  async open(request: OpenRequest): Promise<OpenResult> {
    if (request.offset === 0 && request.end === undefined) return this.openWhole(request.signal, null);

    const { validator } = request;
    const ifRange = validator.etag ?? validator.lastModified;
    // Like Chrome: without a validator nothing proves the bytes on disk belong to the file the
    // server has now, and a same-sized changed file would be spliced silently.
    if (ifRange === null) {
      return this.openWhole(request.signal, 'The server gives no way to check that the file is unchanged');
    }
    const last = request.end === undefined ? '' : String(request.end - 1);
    const headers: Record<string, string> = { range: `bytes=${request.offset}-${last}`, 'if-range': ifRange };
    const opened = await this.send(headers, request.signal);
    const { response } = opened;
    const current = validatorOf(response.headers);

    if (response.statusCode === 206) {
      const range = parseContentRange(response.headers['content-range']);
      const reason =
        decoderFor(contentEncoding(response.headers), this.suggestedName(opened)) !== null
          ? 'The server does not support resuming'
          : range === null || range.first !== request.offset
          ? 'The server answered the resume request with the wrong byte range'
          : request.total !== null && range.total !== null && range.total !== request.total
            ? 'The file size changed on the server'
            : !sameVersion(validator, current)
              ? 'The file changed on the server'
              : null;
      if (reason === null && range !== null) {
        return this.body(opened, request.offset, range.total ?? request.total, null);
      }
      opened.request.destroy();
      return this.openWhole(request.signal, reason);
    }
    if (response.statusCode === 200) {
      const reason = sameVersion(validator, current)
        ? 'The server does not support resuming'
        : 'The file changed on the server';
      return this.body(opened, 0, contentLength(response.headers), reason);
    }
    if (response.statusCode === 416) {
      opened.request.destroy();
      const range = parseContentRange(response.headers['content-range']);
      const total = range?.total ?? null;
      if (request.total !== null && request.offset === request.total && (total === null || total === request.total)) {
        return { kind: 'complete', total: request.total };
      }
      return this.openWhole(request.signal, 'The server no longer has the bytes already downloaded');
    }
    throw this.failure(opened);
  }

  private async openWhole(signal: AbortSignal, restartReason: string | null): Promise<OpenResult> {
    const opened = await this.send({}, signal);
    if (opened.response.statusCode !== 200) throw this.failure(opened);
    return this.body(opened, 0, contentLength(opened.response.headers), restartReason);
  }

  private suggestedName(opened: Opened): string | null {
    const disposition = opened.response.headers['content-disposition'];
    return filenameFromContentDisposition(disposition) ?? filenameFromUrl(opened.response.url ?? this.url);
  }

  private body(opened: Opened, start: number, total: number | null, restartReason: string | null): OpenResult {
    const { headers } = opened.response;
    const suggestedName = this.suggestedName(opened);
    const result = {
      kind: 'body',
      start,
      total,
      validator: validatorOf(headers),
      suggestedName,
      restartReason: restartReason === null ? null : `${restartReason}; downloading again from the start.`,
      acceptsRanges: opened.response.statusCode === 206 || headers['accept-ranges'] === 'bytes',
      body: opened.request,
    } as const;
    const encoding = contentEncoding(headers);
    const decoder = decoderFor(encoding, suggestedName);
    if (decoder === null) return result;
    if (decoder === 'unsupported') {
      opened.request.destroy();
      throw permanentError('BAD_RESPONSE', `${this.displayHost} sent the file encoded as '${encoding}', which Steadfast cannot decode`);
    }
    // The decoded size is unknown and offsets into it mean nothing to the server: no ranges, and
    // no validator, so a retry starts from 0 again.
    const decoded = pipeline(opened.request, decoder(), () => undefined);
    return { ...result, total: null, validator: { etag: null, lastModified: null }, acceptsRanges: false, body: decoded };
  }

  private failure(opened: Opened): Error {
    opened.request.destroy();
    const { statusCode = 0, headers } = opened.response;
    if (statusCode === 206 || (statusCode >= 200 && statusCode < 300)) {
      return transientError('BAD_RESPONSE', `Unexpected HTTP ${statusCode} from ${this.displayHost}`);
    }
    return classifyHttpStatus(statusCode, headers['retry-after'], (this.options.now ?? Date.now)());
  }

  private send(headers: Record<string, string>, signal: AbortSignal): Promise<Opened> {
    const request = got.stream(this.url, {
      headers: { 'accept-encoding': 'identity', ...headers },
      decompress: false,
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: true,
      maxRedirects: MAX_REDIRECTS,
      signal,
      ...(this.options.lookup ? { dnsLookup: this.options.lookup } : {}),
    });
    return new Promise<Opened>((resolve, reject) => {
      const onError = (error: unknown): void => {
        request.off('response', onResponse);
        reject(signal.aborted ? error : classifyNetworkError(error, this.displayHost));
      };
      const onResponse = (response: IncomingMessage): void => {
        request.off('error', onError);
        // Until the task starts reading, an error must not crash the process; the stream keeps
        // it (`errored`) and the task's read loop rethrows it.
        request.on('error', () => undefined);
        resolve({ request, response });
      };
      request.once('error', onError);
      request.once('response', onResponse);
    });
  }
}
