import type { LookupFunction } from 'node:net';
import type { DownloadSource } from '../contract/downloads.js';
import type { RequestHeaders } from '../contract/request-headers.js';
import type { Settings } from '../contract/settings.js';
import type { ByteSource } from '../engine/byte-source.js';
import type { SourceFactory } from '../engine/download-manager.js';
import type { SecretStore } from '../engine/secret-store.js';
import { HttpSource } from './http-source.js';
import { NetworkRoutes, type SystemProxyLookup } from './network-route.js';
import { S3Clients } from './s3-clients.js';
import { S3Source } from './s3-source.js';

export interface SourceOptions {
  /** Where the S3 secret key and the proxy's password live. */
  secrets: SecretStore;
  /** DNS hook: tests inject failures here instead of making real DNS queries. */
  lookup?: LookupFunction;
  /** The engine's clock, for the dates in Retry-After. */
  now?: () => number;
  /**
   * PEM certificates that HTTPS downloads trust besides Node's bundled roots: a private CA, or a
   * test's self-signed origin. Absent: Node's roots alone (plus the `ca_file` setting's).
   */
  extraCaCertificates?: readonly string[];
  /** What the "system" proxy setting asks (the desktop: Electron's resolveProxy); absent: the environment. */
  systemProxy?: SystemProxyLookup;
}

/**
 * The transports the engine downloads with, by source kind: HTTP(S) through got, S3 through the
 * AWS SDK with one client per region and endpoint, made from the settings of the moment.
 */
export function createSourceFactory(options: SourceOptions): SourceFactory {
  const { lookup, now = Date.now, extraCaCertificates, systemProxy } = options;
  const routes = new NetworkRoutes({
    secrets: options.secrets,
    now,
    ...(lookup ? { lookup } : {}),
    ...(extraCaCertificates ? { extraCaCertificates } : {}),
    ...(systemProxy ? { systemProxy } : {}),
  });
  const s3 = new S3Clients(options.secrets, routes, lookup);
  return (source: DownloadSource, settings: Settings, headers: RequestHeaders): ByteSource => {
    if (source.kind === 'http') {
      return new HttpSource(source.url, {
        headers,
        ...(lookup ? { lookup } : {}),
        routes: { routeFor: (url) => routes.routeFor(url, settings), unreachable: (route) => routes.unreachable(route) },
        now,
        allowInsecureRedirects: settings.allow_insecure_redirects,
      });
    }
    s3.use(settings);
    return new S3Source(() => s3.clientFor(source), source.bucket, source.key, s3.hostFor(source), now);
  };
}
