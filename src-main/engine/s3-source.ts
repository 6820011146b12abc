import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { ByteSource, OpenRequest, OpenResult } from './byte-source.js';
import { classifyS3Error } from './classify-error.js';
import { parseContentRange } from './content-range.js';
import { transientError } from './download-error.js';
import { filenameFromContentDisposition } from './file-names.js';

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
 * An S3 object through GetObject, with DESIGN.md §4's resume rules in S3's terms: a ranged
 * GetObject with IfMatch on the recorded ETag, and the returned ETag, Content-Range and size
 * checked too, because some S3-compatible stores ignore IfMatch.
 */
export class S3Source implements ByteSource {
  readonly displayHost: string;

  constructor(
    private readonly client: () => Promise<S3Client>,
    private readonly bucket: string,
    private readonly key: string,
    host: string,
    private readonly now: () => number = Date.now,
  ) {
    this.displayHost = host;
  }

  async open(request: OpenRequest): Promise<OpenResult> {
    if (request.offset === 0 && request.end === undefined) return this.openWhole(request.signal, null);
    const etag = request.validator.etag;
    if (etag === null) return this.openWhole(request.signal, 'The server gives no way to check that the file is unchanged');
    let response: GetObjectCommandOutput;
    try {
      const last = request.end === undefined ? '' : String(request.end - 1);
      response = await this.get(request.signal, { Range: `bytes=${request.offset}-${last}`, IfMatch: etag });
    } catch (error) {
      if (request.signal.aborted) throw error;
      const status = statusOf(error);
      if (nameOf(error) === 'PreconditionFailed' || status === 412) {
        return this.openWhole(request.signal, 'The file changed on the server');
      }
      if (nameOf(error) === 'InvalidRange' || status === 416) {
        if (request.total !== null && request.offset === request.total) return { kind: 'complete', total: request.total };
        return this.openWhole(request.signal, 'The server no longer has the bytes already downloaded');
      }
      throw this.classify(error);
    }
    const body = response.Body as Readable;
    const range = parseContentRange(response.ContentRange);
    if (range === null) {
      // The store ignored the range and sent the whole object: use it from byte 0.
      return this.body(response, 0, response.ContentLength ?? null, 'The server does not support resuming');
    }
    const reason =
      range.first !== request.offset
        ? 'The server answered the resume request with the wrong byte range'
        : request.total !== null && range.total !== null && range.total !== request.total
          ? 'The file size changed on the server'
          : response.ETag !== undefined && response.ETag !== etag
            ? 'The file changed on the server'
            : null;
    if (reason === null) return this.body(response, request.offset, range.total ?? request.total, null);
    body.destroy();
    return this.openWhole(request.signal, reason);
  }

  private async openWhole(signal: AbortSignal, restartReason: string | null): Promise<OpenResult> {
    try {
      const response = await this.get(signal, {});
      return this.body(response, 0, response.ContentLength ?? null, restartReason);
    } catch (error) {
      if (signal.aborted) throw error;
      throw this.classify(error);
    }
  }

  private async get(signal: AbortSignal, extra: { Range?: string; IfMatch?: string }): Promise<GetObjectCommandOutput> {
    const [client, { GetObjectCommand }] = await Promise.all([this.client(), import('@aws-sdk/client-s3')]);
    return client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, ...extra }), { abortSignal: signal });
  }

  private body(response: GetObjectCommandOutput, start: number, total: number | null, restartReason: string | null): OpenResult {
    if (response.Body === undefined) throw transientError('BAD_RESPONSE', `S3 sent no body for s3://${this.bucket}/${this.key}`);
    return {
      kind: 'body',
      start,
      total,
      validator: { etag: response.ETag ?? null, lastModified: response.LastModified?.toUTCString() ?? null },
      suggestedName: filenameFromContentDisposition(response.ContentDisposition),
      restartReason: restartReason === null ? null : `${restartReason}; downloading again from the start.`,
      acceptsRanges: true,
      body: response.Body as Readable,
    };
  }

  private classify(error: unknown) {
    return classifyS3Error(error, { bucket: this.bucket, key: this.key, host: this.displayHost }, this.now());
  }
}
