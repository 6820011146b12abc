import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import type { S3Source as S3SourceSpec } from '../contract/downloads.js';
import type { Settings } from '../contract/settings.js';
import type { SecretStore } from '../engine/secret-store.js';

/**
 * One S3 client per (region, endpoint) for the current settings, shared by the downloads that
 * use it. Our retry policy owns retries, so the SDK makes exactly one attempt per request. The
 * SDK is loaded on first use: most runs never touch S3, and it costs a third of a second.
 */
export class S3Clients {
  private readonly clients = new Map<string, Promise<S3Client>>();
  private settings: Settings | null = null;
  /** What the clients were made from; the secret only as a hash. */
  private madeFrom = '';

  constructor(
    private readonly secrets: SecretStore,
    /** DNS hook: tests inject failures here instead of making real DNS queries. */
    private readonly lookup?: LookupFunction,
  ) {}

  /**
   * The settings the next clients are made with. Clients are dropped only when what they were
   * made from changed (credentials, endpoint, timeouts): dropping one cuts its requests, and a
   * new speed limit must not fail a running S3 download.
   */
  use(settings: Settings): void {
    this.settings = settings;
    const secret = this.secrets.get('s3_secret_access_key');
    const madeFrom = JSON.stringify([
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
    for (const client of this.clients.values()) void client.then((c) => c.destroy(), () => undefined);
    this.clients.clear();
  }

  /** For messages: the custom endpoint's host, or the bucket's AWS host. */
  hostFor(source: S3SourceSpec): string {
    const { region, endpoint } = this.where(source);
    return endpoint !== undefined ? new URL(endpoint).host : `${source.bucket}.s3.${region}.amazonaws.com`;
  }

  clientFor(source: S3SourceSpec): Promise<S3Client> {
    const { region, endpoint } = this.where(source);
    const key = JSON.stringify([region, endpoint ?? null]);
    let client = this.clients.get(key);
    if (client === undefined) {
      client = this.create(region, endpoint);
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

  private async create(region: string, endpoint: string | undefined): Promise<S3Client> {
    const settings = this.current();
    const { S3Client } = await import('@aws-sdk/client-s3');

    const secret = this.secrets.get('s3_secret_access_key');
    const credentials =
      settings.s3_access_key_id !== null && secret !== null
        ? { accessKeyId: settings.s3_access_key_id, secretAccessKey: secret }
        : undefined;
    return new S3Client({
      region,
      ...(endpoint !== undefined ? { endpoint } : {}),
      forcePathStyle: settings.s3_force_path_style ?? endpoint !== undefined,
      followRegionRedirects: true,
      maxAttempts: 1,
      ...(credentials ? { credentials } : settings.s3_profile !== null ? { profile: settings.s3_profile } : {}),
      requestHandler: {
        connectionTimeout: 30_000,
        requestTimeout: settings.stall_timeout_seconds * 1000,
        // Agent options, not agents: the SDK still builds its own (keep-alive, 50 sockets) and
        // keeps treating them as its own; only the lookup is added.
        ...(this.lookup !== undefined ? { httpAgent: { lookup: this.lookup }, httpsAgent: { lookup: this.lookup } } : {}),
      },
      // Ranged reads carry no whole-object checksum; validating would fail or cost a second pass.
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  }
}
