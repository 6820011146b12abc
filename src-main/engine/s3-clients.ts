import { S3Client } from '@aws-sdk/client-s3';
import type { S3Source as S3SourceSpec } from '../contract/downloads.js';
import type { Settings } from '../contract/settings.js';
import type { SecretStore } from './secret-store.js';

export interface S3Target {
  client: S3Client;
  /** For messages: the custom endpoint's host, or the bucket's AWS host. */
  host: string;
}

/**
 * One S3 client per (region, endpoint) for the current settings, shared by the downloads that
 * use it. Our retry policy owns retries, so the SDK makes exactly one attempt per request.
 */
export class S3Clients {
  private readonly clients = new Map<string, S3Target>();

  constructor(
    private readonly secrets: SecretStore,
    private settings: Settings,
  ) {}

  /** New settings (credentials, endpoint, …) apply to the next attempt. */
  reset(settings: Settings): void {
    for (const { client } of this.clients.values()) client.destroy();
    this.clients.clear();
    this.settings = settings;
  }

  targetFor(source: S3SourceSpec): S3Target {
    const settings = this.settings;
    const region = source.region ?? settings.s3_region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
    const endpoint = source.endpoint ?? settings.s3_endpoint ?? undefined;
    const key = JSON.stringify([region, endpoint ?? null]);
    const cached = this.clients.get(key);
    if (cached) return cached;

    const secret = this.secrets.get('s3_secret_access_key');
    const credentials =
      settings.s3_access_key_id !== null && secret !== null
        ? { accessKeyId: settings.s3_access_key_id, secretAccessKey: secret }
        : undefined;
    const client = new S3Client({
      region,
      ...(endpoint !== undefined ? { endpoint } : {}),
      forcePathStyle: settings.s3_force_path_style ?? endpoint !== undefined,
      followRegionRedirects: true,
      maxAttempts: 1,
      ...(credentials ? { credentials } : settings.s3_profile !== null ? { profile: settings.s3_profile } : {}),
      requestHandler: { connectionTimeout: 30_000, requestTimeout: settings.stall_timeout_seconds * 1000 },
      // Ranged reads carry no whole-object checksum; validating would fail or cost a second pass.
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const target = { client, host: endpoint !== undefined ? new URL(endpoint).host : `${source.bucket}.s3.${region}.amazonaws.com` };
    this.clients.set(key, target);
    return target;
  }
}
