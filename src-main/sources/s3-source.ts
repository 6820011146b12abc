import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { ByteSource, OpenRequest, OpenResult } from '../engine/byte-source.js';
import { classifyS3Error } from '../engine/classify-error.js';
import { type ProxyInUse, proxyConnectionError, proxyStatusError } from '../engine/classify-proxy-error.js';
import { parseContentRange } from '../engine/content-range.js';
import { transientError } from '../engine/download-error.js';
import { filenameFromContentDisposition } from '../engine/file-names.js';
import type { S3Connection } from './s3-clients.js';

interface S3ErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

const statusOf = (error: unknown): number | undefined => {
  const status = (error as S3ErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
};
const nameOf = (error: unknown): string | undefined => {
  const name = (error as S3ErrorShape | null)?.name;
  return typeof name === 'string' ? name : undefined;
};

/**
 * An S3 object through GetObject: a ranged GetObject carries IfMatch on the recorded ETag, and
 * the returned ETag, Content-Range and size are reported too, because some S3-compatible stores
 * ignore IfMatch. What they mean for the partial is resume-rules.ts's call (ARCHITECTURE.md §4).
 */
export class S3Source implements ByteSource {
  readonly displayHost: string;
  /** The proxy of the client last used, for messages. */
  private proxy: ProxyInUse | null = null;

  constructor(
    private readonly client: () => Promise<S3Connection>,
    private readonly bucket: string,
    private readonly key: string,
    host: string,
    private readonly now: () => number = Date.now,
  ) {
    this.displayHost = host;
  }

  async open(request: OpenRequest): Promise<OpenResult> {
    const ranged = request.offset > 0 || request.end !== undefined || request.asRange === true;
    const etag = request.validator.etag;
    const extra = ranged
      ? { Range: `bytes=${request.offset}-${request.end === undefined ? '' : String(request.end - 1)}`, ...(etag === null ? {} : { IfMatch: etag }) }
      : {};
    let response: GetObjectCommandOutput;
    try {
      response = await this.get(request.signal, extra);
    } catch (error) {
      if (request.signal.aborted) throw error;
      const status = statusOf(error);
      // The object is another version now: resume-rules.ts refuses it, the partial is kept.
      if (ranged && (nameOf(error) === 'PreconditionFailed' || status === 412)) return { kind: 'changed' };
      if (ranged && (nameOf(error) === 'InvalidRange' || status === 416)) return { kind: 'unsatisfiable', total: null };
      throw this.classify(error);
    }
    if (response.Body === undefined) throw transientError('BAD_RESPONSE', `S3 sent no body for s3://${this.bucket}/${this.key}`);
    const facts = {
      // The ETag alone: Last-Modified has a resolution of a second, too coarse to prove an object
      // was not rewritten, so an object without an ETag is never resumed.
      validator: { etag: response.ETag ?? null, lastModified: null },
      suggestedName: filenameFromContentDisposition(response.ContentDisposition),
      contentType: response.ContentType?.split(';')[0]?.trim().toLowerCase() || null,
      body: response.Body as Readable,
    };
    // No Content-Range: the store sent the whole object, whatever was asked.
    if (!ranged || response.ContentRange === undefined) {
      return { kind: 'whole', total: response.ContentLength ?? null, acceptsRanges: true, decoded: false, ...facts };
    }
    const range = parseContentRange(response.ContentRange);
    // An object stored encoded is saved as stored, so its ranges are the file's own bytes.
    return { kind: 'partial', first: range?.first ?? null, total: range?.total ?? null, encoded: false, ...facts };
  }

  private async get(signal: AbortSignal, extra: { Range?: string; IfMatch?: string }): Promise<GetObjectCommandOutput> {
    const [{ client, proxy }, { GetObjectCommand }] = await Promise.all([this.client(), import('@aws-sdk/client-s3')]);
    this.proxy = proxy;
    return client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, ...extra }), { abortSignal: signal });
  }

  private classify(error: unknown) {
    // The SDK's requests are plain or tunnelled alike to us: only a 407 is surely the proxy's.
    const fromProxy =
      this.proxy === null
        ? null
        : (proxyConnectionError(error, this.proxy, this.displayHost) ?? proxyStatusError(statusOf(error) ?? 0, this.proxy, this.displayHost, false));
    return fromProxy ?? classifyS3Error(error, { bucket: this.bucket, key: this.key, host: this.displayHost }, this.now());
  }
}
