import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { ApiRequestError } from '../contract/api-error.js';
import {
  extensionIdOf,
  type ExtensionGrant,
  type ExtensionPairingSource,
  type ExtensionPairingState,
  isExtensionOrigin,
  MAX_PAIRED_EXTENSIONS,
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

/** What is kept of each: the token's hash only, so a copy of the secret store does not let anyone in. */
interface StoredExtension {
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
 * The paired browser extensions (ARCHITECTURE.md §7 "Browser extension"): a one-time code (one
 * at a time, in memory, lapsing), traded once for a 256-bit token whose SHA-256 is kept in the
 * secret store with the extension's origin. Each browser (or profile) pairs on its own; pairing
 * an origin again gives it a new token; revoking forgets that one.
 */
export class ExtensionPairing implements ExtensionPairingSource {
  private pending: PendingCode | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly clock: Clock = systemClock,
  ) {}

  state(): ExtensionPairingState {
    const pending = this.livePending();
    return {
      extensions: this.paired().map((e) => ({ id: extensionIdOf(e.origin), origin: e.origin, paired_at: e.paired_at, accepting: e.paused !== true })),
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
    const others = this.paired().filter((e) => e.origin !== origin);
    if (others.length >= MAX_PAIRED_EXTENSIONS) {
      throw refused(`Steadfast already has ${MAX_PAIRED_EXTENSIONS} paired browser extensions: revoke one in Settings first`);
    }
    const token = randomBytes(32).toString('base64url');
    this.save([...others, { origin, token_sha256: sha256(token).toString('hex'), paired_at: this.clock.now() }]);
    this.pending = null;
    this.changed();
    return { token };
  }

  /** On or off without unpairing: the token stays valid, but no download is taken while off. */
  setAccepting(id: string, accepting: boolean): ExtensionPairingState {
    const paired = this.paired();
    const found = this.find(paired, id);
    this.save(paired.map((e) => (e === found ? { ...e, paused: !accepting } : e)));
    this.changed();
    return this.state();
  }

  revoke(id: string): void {
    const paired = this.paired();
    const found = this.find(paired, id);
    this.save(paired.filter((e) => e !== found));
    this.changed();
  }

  tokenOwner(token: string): string | null {
    const hash = sha256(token);
    // Every record is compared, so the time taken says nothing about which one matched.
    let owner: string | null = null;
    for (const e of this.paired()) if (timingSafeEqual(hash, Buffer.from(e.token_sha256, 'hex'))) owner = e.origin;
    return owner;
  }

  isPaired(origin: string): boolean {
    return this.paired().some((e) => e.origin === origin);
  }

  accepting(origin: string): boolean {
    return this.paired().some((e) => e.origin === origin && e.paused !== true);
  }

  /** Called after every change of the state (the desktop starts or stops its listener). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private find(paired: StoredExtension[], id: string): StoredExtension {
    const found = paired.find((e) => extensionIdOf(e.origin) === id);
    if (found === undefined) throw new ApiRequestError('NOT_FOUND', `No browser extension ${id} is paired`);
    return found;
  }

  private save(paired: StoredExtension[]): void {
    this.secrets.set('extension-pairing', paired.length === 0 ? null : JSON.stringify(paired));
  }

  private livePending(): PendingCode | null {
    if (this.pending !== null && this.clock.now() >= this.pending.expiresAt) this.pending = null;
    return this.pending;
  }

  /**
   * The stored pairings: a list, or the single record an earlier version kept. A record that does
   * not read as one (edited by hand, from a newer version) pairs nothing.
   */
  private paired(): StoredExtension[] {
    const stored = this.secrets.get('extension-pairing');
    if (stored === null) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(stored);
    } catch {
      return [];
    }
    return (Array.isArray(parsed) ? parsed : [parsed]).filter(isStoredExtension);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function isStoredExtension(value: unknown): value is StoredExtension {
  const record = value as Partial<StoredExtension> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    isExtensionOrigin(record.origin) &&
    typeof record.paired_at === 'number' &&
    typeof record.token_sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(record.token_sha256) &&
    (record.paused === undefined || typeof record.paused === 'boolean')
  );
}
