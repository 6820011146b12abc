import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretName, SecretStore } from '../engine/secret-store.js';

/**
 * Secrets of a headless or CLI Steadfast in `secrets.json` beside the database, readable by
 * its owner only (mode 0600), written atomically so a crash never leaves half a file.
 */
export class FileSecretStore implements SecretStore {
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'secrets.json');
  }

  get(name: SecretName): string | null {
    return this.read()[name] ?? null;
  }

  set(name: SecretName, value: string | null): void {
    const values = this.read();
    if (value === null) delete values[name];
    else values[name] = value;
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, JSON.stringify(values), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }

  private read(): Partial<Record<SecretName, string>> {
    if (!existsSync(this.path)) return {};
    return JSON.parse(readFileSync(this.path, 'utf8')) as Partial<Record<SecretName, string>>;
  }
}
