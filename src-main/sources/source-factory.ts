import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { DownloadSource } from '../contract/downloads.js';
import type { RequestHeaders } from '../contract/request-headers.js';
import type { Settings } from '../contract/settings.js';
import type { ByteSource } from '../engine/byte-source.js';
import type { SourceFactory } from '../engine/download-manager.js';
import type { SecretStore } from '../engine/secret-store.js';
import { HttpSource } from './http-source.js';
import { S3Clients } from './s3-clients.js';
import { S3Source } from './s3-source.js';

export interface SourceOptions {
  /** Where the S3 secret key lives. */
  secrets: SecretStore;
  /** DNS hook: tests inject failures here instead of making real DNS queries. */
  lookup?: LookupFunction;
  /** The engine's clock, for the dates in Retry-After. */
  now?: () => number;
  /**
   * PEM certificates that HTTPS downloads trust besides Node's bundled roots: a private CA, or a
   * test's self-signed origin. Absent: Node's roots alone. (S3 clients do not take them yet.)
   */
  extraCaCertificates?: readonly string[];
}

/**
 * The transports the engine downloads with, by source kind: HTTP(S) through got, S3 through the
 * AWS SDK with one client per region and endpoint, made from the settings of the moment.
 */
export function createSourceFactory(options: SourceOptions): SourceFactory {
  const { lookup, now = Date.now, extraCaCertificates } = options;
  const s3 = new S3Clients(options.secrets, lookup);
  // Node's `ca` replaces its roots rather than adding to them, so the roots come along.
  const certificateAuthority = extraCaCertificates ? [...rootCertificates, ...extraCaCertificates] : undefined;
  return (source: DownloadSource, settings: Settings, headers: RequestHeaders): ByteSource => {
    if (source.kind === 'http') {
      return new HttpSource(source.url, {
        headers,
        ...(lookup ? { lookup } : {}),
        ...(certificateAuthority ? { certificateAuthority } : {}),
        now,
        allowInsecureRedirects: settings.allow_insecure_redirects,
      });
    }
    s3.use(settings);
    return new S3Source(() => s3.clientFor(source), source.bucket, source.key, s3.hostFor(source), now);
  };
}
