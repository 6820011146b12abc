import * as z from 'zod';

/**
 * The browser extension's pairing (ARCHITECTURE.md §7 "Browser extension"): Settings shows a
 * one-time code, the extension's options page trades it for a token of its own, and the server
 * then admits that extension's origin, with that token, on the few routes it needs.
 */

/** Where a paired extension stands, as Settings shows it. */
export interface ExtensionPairingState {
  /** The paired extension's origin, e.g. `chrome-extension://<id>`; null when none is paired. */
  origin: string | null;
  paired_at: number | null;
  /**
   * Whether the paired extension's downloads are taken (on by pairing; Settings can turn it off
   * without unpairing). False when none is paired.
   */
  accepting: boolean;
  /** The one-time code still waiting to be used, and when it lapses; null when none is. */
  code: string | null;
  code_expires_at: number | null;
}

/** What the extension receives for a good code: its token, shown to nobody else. */
export interface ExtensionGrant {
  token: string;
}

/**
 * A Chromium extension id is 32 letters a–p; Firefox gives each installation a random UUID. Any
 * other origin is a web page, which is never paired.
 */
const EXTENSION_ORIGIN = /^(chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export const isExtensionOrigin = (origin: string | undefined): origin is string => origin !== undefined && EXTENSION_ORIGIN.test(origin);

/** Eight characters without look-alikes (no 0/O, 1/I/L), shown as two groups of four. */
export const PAIRING_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PAIRING_CODE_LENGTH = 8;

/** A code as typed: case, spaces and the dash between the groups do not matter. */
export const normalizePairingCode = (typed: string): string => typed.toUpperCase().replace(/[\s-]/g, '');

/** `PATCH /api/extension` `{"accepting": …}`: take the paired extension's downloads, or not. */
export const extensionAcceptingSchema = z.strictObject({ accepting: z.boolean() });

/** The extension's `POST /api/extension/pair` body. */
export const pairRequestSchema = z.strictObject({ code: z.string().min(1).max(32) });

/** The gate the server asks (it never sees the engine class): implemented by ExtensionPairing. */
export interface ExtensionGate {
  /** Trades a code for a token and pairs `origin`, or refuses (wrong, used or lapsed code). */
  pair(code: string, origin: string): ExtensionGrant;
  /** Whether this bearer token is the paired extension's. */
  holdsToken(token: string): boolean;
  /** The paired origin, or null. */
  pairedOrigin(): string | null;
  /** Whether the paired extension may hand over downloads now (see ExtensionPairingState). */
  accepting(): boolean;
}

/** The pairing as its owner sees it: the gate, plus its state and its changes. */
export interface ExtensionPairingSource extends ExtensionGate {
  state(): ExtensionPairingState;
  onChange(listener: () => void): () => void;
}
