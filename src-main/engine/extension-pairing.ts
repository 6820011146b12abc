import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { ApiRequestError } from '../contract/api-error.js';
import {
  type ExtensionGrant,
  type ExtensionPairingSource,
  type ExtensionPairingState,
  isExtensionOrigin,
  normalizePairingCode,
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
} from '../contract/extension-pairing.js';
import { type Clock, systemClock } from './clock.js';
import type { SecretStore } from './secret-store.js';

/** Long enough to switch to the browser and type eight characters; short enough to be useless later. */
export const PAIRING_CODE_TTL_MS = 5 * 60_000;
/** A code is voided after this many wrong guesses: eight characters of 31 then cannot be guessed. */
export const PAIRING_CODE_GUESSES = 5;

/** What is kept: the token's hash only, so a copy of the secret store does not let anyone in. */
interface PairedExtension {
  origin: string;
  token_sha256: string;
  paired_at: number;
  /** Set when Settings turned the extension off; absent means on, as every pairing starts. */
  paused?: boolean;
}

interface PendingCode {
  code: string;
  expiresAt: number;
  wrongGuesses: number;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

const newCode = (): string =>
  Array.from({ length: PAIRING_CODE_LENGTH }, () => PAIRING_CODE_ALPHABET[randomInt(PAIRING_CODE_ALPHABET.length)]).join('');

const refused = (message: string) => new ApiRequestError('FORBIDDEN', message);

/**
 * The one paired browser extension (ARCHITECTURE.md §7 "Browser extension"): a one-time code
 * (one at a time, in memory, lapsing), traded once for a 256-bit token whose SHA-256 is kept in
 * the secret store with the extension's origin. Pairing again replaces the old extension;
 * revoking forgets it.
 */
export class ExtensionPairing implements ExtensionPairingSource {
  private pending: PendingCode | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly clock: Clock = systemClock,
  ) {}

  state(): ExtensionPairingState {
    const paired = this.paired();
    const pending = this.livePending();
    return {
      origin: paired?.origin ?? null,
      paired_at: paired?.paired_at ?? null,
      accepting: paired !== null && paired.paused !== true,
      code: pending?.code ?? null,
      code_expires_at: pending?.expiresAt ?? null,
    };
  }

  /** A fresh code, replacing any earlier one. */
  startPairing(): ExtensionPairingState {
    this.pending = { code: newCode(), expiresAt: this.clock.now() + PAIRING_CODE_TTL_MS, wrongGuesses: 0 };
    this.changed();
    return this.state();
  }

  pair(typed: string, origin: string): ExtensionGrant {
    if (!isExtensionOrigin(origin)) throw refused('Only a browser extension can pair with Steadfast');
    const pending = this.livePending();
    if (pending === null) throw refused('No pairing code is waiting: open Steadfast’s Settings and show a new one');
    const code = normalizePairingCode(typed);
    if (code.length !== pending.code.length || !timingSafeEqual(Buffer.from(code), Buffer.from(pending.code))) {
      pending.wrongGuesses += 1;
      if (pending.wrongGuesses >= PAIRING_CODE_GUESSES) {
        this.pending = null;
        this.changed();
        throw refused('Wrong pairing code, too many times: the code is void; show a new one in Settings');
      }
      throw refused('Wrong pairing code');
    }
    const token = randomBytes(32).toString('base64url');
    const record: PairedExtension = { origin, token_sha256: sha256(token).toString('hex'), paired_at: this.clock.now() };
    this.secrets.set('extension-pairing', JSON.stringify(record));
    this.pending = null;
    this.changed();
    return { token };
  }

  /** On or off without unpairing: the token stays valid, but no download is taken while off. */
  setAccepting(accepting: boolean): ExtensionPairingState {
    const paired = this.paired();
    if (paired === null) throw new ApiRequestError('INVALID_STATE', 'No browser extension is paired: pair one first');
    this.secrets.set('extension-pairing', JSON.stringify({ ...paired, paused: !accepting }));
    this.changed();
    return this.state();
  }

  accepting(): boolean {
    return this.state().accepting;
  }

  revoke(): void {
    this.secrets.set('extension-pairing', null);
    this.pending = null;
    this.changed();
  }

  holdsToken(token: string): boolean {
    const paired = this.paired();
    return paired !== null && timingSafeEqual(sha256(token), Buffer.from(paired.token_sha256, 'hex'));
  }

  pairedOrigin(): string | null {
    return this.paired()?.origin ?? null;
  }

  /** Called after every change of the state (the desktop starts or stops its listener). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private livePending(): PendingCode | null {
    if (this.pending !== null && this.clock.now() >= this.pending.expiresAt) this.pending = null;
    return this.pending;
  }

  /** A record that does not read as one (edited by hand, from a newer version) pairs nothing. */
  private paired(): PairedExtension | null {
    const stored = this.secrets.get('extension-pairing');
    if (stored === null) return null;
    try {
      const record = JSON.parse(stored) as Partial<PairedExtension>;
      const valid =
        isExtensionOrigin(record.origin) &&
        typeof record.paired_at === 'number' &&
        typeof record.token_sha256 === 'string' &&
        /^[0-9a-f]{64}$/.test(record.token_sha256) &&
        (record.paused === undefined || typeof record.paused === 'boolean');
      return valid ? (record as PairedExtension) : null;
    } catch {
      return null;
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
