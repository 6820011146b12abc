/**
 * Where secrets (the S3 secret access key, the proxy's password, each download's request headers) live, apart from settings and the database, so they
 * never reach a snapshot, a settings response or a log. Headless: a 0600 file; the desktop
 * app: Electron's safeStorage.
 */
export interface SecretStore {
  get(name: SecretName): string | null;
  /** null forgets the secret. */
  set(name: SecretName, value: string | null): void;
}

/** The S3 secret, the proxy's password, and one entry per download with request headers (its id after the colon). */
export type SecretName = 's3_secret_access_key' | 'proxy_password' | `download-headers:${string}`;

/** For processes that keep no secrets (and tests that need none). */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<SecretName, string>();

  get(name: SecretName): string | null {
    return this.values.get(name) ?? null;
  }

  set(name: SecretName, value: string | null): void {
    if (value === null) this.values.delete(name);
    else this.values.set(name, value);
  }
}
