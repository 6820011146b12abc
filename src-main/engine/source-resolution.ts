import { ApiRequestError } from '../contract/api-error.js';
import type { DownloadSource } from '../contract/downloads.js';
import { parseS3Url, type ParsedAddRequest } from '../contract/schemas.js';
import type { Catalog } from '../contract/settings.js';
import { filenameFromUrl } from './file-names.js';

const lastSegment = (key: string): string | null => key.split('/').filter(Boolean).at(-1) ?? null;

/** A validated download address as a source: s3://bucket/key, or an http(s) URL. */
export function sourceFromUrl(url: string): DownloadSource {
  const s3 = parseS3Url(url);
  return s3 === null ? { kind: 'http', url } : { kind: 's3', ...s3 };
}

/**
 * What an add request downloads, and the name it suggests before any server answers: a URL, an
 * S3 object, or a {content_id, quality} pair mapped through the catalog's templates.
 */
export function resolveSource(input: ParsedAddRequest, catalog: Catalog | null): { source: DownloadSource; name: string | null } {
  if ('url' in input) {
    const source = sourceFromUrl(input.url);
    return { source, name: source.kind === 'http' ? filenameFromUrl(source.url) : lastSegment(source.key) };
  }
  if ('s3' in input) return { source: { kind: 's3', ...input.s3 }, name: lastSegment(input.s3.key) };
  if (catalog === null) {
    throw new ApiRequestError('INVALID_ARGUMENT', 'No content catalog is configured: set "catalog" in the settings first');
  }
  if (!catalog.qualities.includes(input.quality)) {
    throw new ApiRequestError('INVALID_ARGUMENT', `quality must be one of ${catalog.qualities.join(', ')}, not "${input.quality}"`);
  }
  const fill = (template: string) => template.replaceAll('{content_id}', input.content_id).replaceAll('{quality}', input.quality);
  return {
    source: { kind: 's3', bucket: catalog.bucket, key: fill(catalog.key_template) },
    name: fill(catalog.filename_template),
  };
}
