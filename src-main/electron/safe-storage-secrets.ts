import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiRequestError } from '../contract/api-error.js';
import type { SecretName, SecretStore } from '../engine/secret-store.js';

/** The part of Electron's safeStorage used (the OS keychain, DPAPI, or libsecret). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The desktop app's secrets, encrypted by the OS (safeStorage) in `secrets.enc.json` in the
 * app's data folder, mode 0600. Where the OS offers no encryption, nothing is stored and the
 * user is told why.
 */
export class SafeStorageSecretStore implements SecretStore {
  private readonly path: string;

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorageLike,
  ) {
    this.path = join(dataDir, 'secrets.enc.json');
  }

  get(name: SecretName): string | null {
    const encrypted = this.read()[name];
    if (encrypted === undefined || !this.safeStorage.isEncryptionAvailable()) return null;
    return this.safeStorage.decryptString(Buffer.from(encrypted, 'base64'));
  }

  set(name: SecretName, value: string | null): void {
    const values = this.read();
    if (value === null) delete values[name];
    else {
      if (!this.safeStorage.isEncryptionAvailable()) {
        throw new ApiRequestError('INVALID_STATE', 'This system offers no encrypted storage for secrets (no keychain or keyring); the secret was not saved');
      }
      values[name] = this.safeStorage.encryptString(value).toString('base64');
    }
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, JSON.stringify(values), { mode: 0o600 });
    renameSync(temporary, this.path);
  }

  private read(): Partial<Record<SecretName, string>> {
    if (!existsSync(this.path)) return {};
    return JSON.parse(readFileSync(this.path, 'utf8')) as Partial<Record<SecretName, string>>;
  }
}
