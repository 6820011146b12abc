import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import type { S3Source as S3SourceSpec } from '../contract/downloads.js';
import type { Settings } from '../contract/settings.js';
import type { ProxyInUse } from '../engine/classify-proxy-error.js';
import type { SecretStore } from '../engine/secret-store.js';
import type { NetworkRoutes } from './network-route.js';

/** A client and the proxy its requests go through (null: direct), for messages. */
export interface S3Connection {
  client: S3Client;
  proxy: ProxyInUse | null;
}

/**
 * One S3 client per (region, endpoint) for the current settings, shared by the downloads that
 * use it. Our retry policy owns retries, so the SDK makes exactly one attempt per request. The
 * SDK is loaded on first use: most runs never touch S3, and it costs a third of a second.
 */
export class S3Clients {
  private readonly clients = new Map<string, Promise<S3Connection>>();
  private settings: Settings | null = null;
  /** What the clients were made from; the secrets only as hashes. */
  private madeFrom = '';

  constructor(
    private readonly secrets: SecretStore,
    private readonly routes: NetworkRoutes,
    /** DNS hook: tests inject failures here instead of making real DNS queries. */
    private readonly lookup?: LookupFunction,
  ) {}

  /**
   * The settings the next clients are made with. Clients are dropped only when what they were
   * made from changed (credentials, endpoint, timeouts, proxy, the CA file's path or the file
   * itself, edited in place): dropping one cuts its requests, and a new speed limit must not fail
   * a running S3 download.
   */
  use(settings: Settings): void {
    this.settings = settings;
    const secret = this.secrets.get('s3_secret_access_key');
    const proxyPassword = this.secrets.get('proxy_password');
    const madeFrom = JSON.stringify([
      settings.proxy,
      proxyPassword === null ? null : createHash('sha256').update(proxyPassword).digest('hex'),
      settings.ca_file,
      settings.ca_file === null ? null : fileStamp(settings.ca_file),
      settings.s3_region,
      settings.s3_endpoint,
      settings.s3_force_path_style,
      settings.s3_access_key_id,
      settings.s3_profile,
      settings.stall_timeout_seconds,
      secret === null ? null : createHash('sha256').update(secret).digest('hex'),
    ]);
    if (madeFrom === this.madeFrom) return;
    this.madeFrom = madeFrom;
    for (const client of this.clients.values()) void client.then((c) => c.client.destroy(), () => undefined);
    this.clients.clear();
  }

  /** For messages: the custom endpoint's host, or the bucket's AWS host. */
  hostFor(source: S3SourceSpec): string {
    const { region, endpoint } = this.where(source);
    return endpoint !== undefined ? new URL(endpoint).host : `${source.bucket}.s3.${region}.amazonaws.com`;
  }

  clientFor(source: S3SourceSpec): Promise<S3Connection> {
    const { region, endpoint } = this.where(source);
    const key = JSON.stringify([region, endpoint ?? null]);
    let client = this.clients.get(key);
    if (client === undefined) {
      const made = this.create(region, endpoint);
      // A client that could not be made (an unreadable CA file) is tried afresh next time.
      made.catch(() => {
        if (this.clients.get(key) === made) this.clients.delete(key);
      });
      client = made;
      this.clients.set(key, client);
    }
    return client;
  }

  private current(): Settings {
    if (this.settings === null) throw new Error('S3Clients.use(settings) must come first');
    return this.settings;
  }

  private where(source: S3SourceSpec): { region: string; endpoint: string | undefined } {
    const settings = this.current();
    return {
      region: source.region ?? settings.s3_region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      endpoint: source.endpoint ?? settings.s3_endpoint ?? undefined,
    };
  }

  private async create(region: string, endpoint: string | undefined): Promise<S3Connection> {
    const settings = this.current();
    // The proxy is chosen per client, by the endpoint (NO_PROXY and PAC see its host).
    const route = await this.routes.routeFor(endpoint ?? `https://s3.${region}.amazonaws.com/`, settings);
    const { S3Client } = await import('@aws-sdk/client-s3');

    const secret = this.secrets.get('s3_secret_access_key');
    const credentials =
      settings.s3_access_key_id !== null && secret !== null
        ? { accessKeyId: settings.s3_access_key_id, secretAccessKey: secret }
        : undefined;
    const lookup = this.lookup !== undefined ? { lookup: this.lookup } : {};
    const ca = route.certificateAuthority !== undefined ? { ca: route.certificateAuthority } : {};
    const client = new S3Client({
      region,
      ...(endpoint !== undefined ? { endpoint } : {}),
      forcePathStyle: settings.s3_force_path_style ?? endpoint !== undefined,
      followRegionRedirects: true,
      maxAttempts: 1,
      ...(credentials ? { credentials } : settings.s3_profile !== null ? { profile: settings.s3_profile } : {}),
      requestHandler: {
        connectionTimeout: 30_000,
        requestTimeout: settings.stall_timeout_seconds * 1000,
        // Direct: agent options, not agents, so the SDK still builds its own (keep-alive, 50
        // sockets) and keeps treating them as its own. Through a proxy: the proxy's agents.
        ...(route.agents !== undefined
          ? { httpAgent: route.agents.http, httpsAgent: route.agents.https }
          : { httpAgent: { ...lookup }, httpsAgent: { ...lookup, ...ca } }),
      },
      // Ranged reads carry no whole-object checksum; validating would fail or cost a second pass.
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    return { client, proxy: route.proxy };
  }
}

/** What changes when a file is written or replaced; null when it cannot be read (the client's making reports why). */
function fileStamp(path: string): string | null {
  try {
    const { mtimeMs, size, ino } = statSync(path);
    return `${mtimeMs}:${size}:${ino}`;
  } catch {
    return null;
  }
}
