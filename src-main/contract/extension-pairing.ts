import * as z from 'zod';

/**
 * The browser extension's pairing (ARCHITECTURE.md §7 "Browser extension"): Settings shows a
 * one-time code, the extension's options page trades it for a token of its own, and the server
 * then admits that extension's origin, with that token, on the few routes it needs.
 */

/** One paired extension, as Settings shows it. */
export interface PairedExtension {
  /** What names it in the API's paths: its origin without the scheme (the Chromium id, the Firefox UUID). */
  id: string;
  /** Its origin, e.g. `chrome-extension://<id>`. */
  origin: string;
  paired_at: number;
  /** Whether its downloads are taken (on by pairing; Settings can turn it off without unpairing). */
  accepting: boolean;
}

/** The pairings as Settings shows them: one per browser (or browser profile) paired. */
export interface ExtensionPairingState {
  /** In the order they were paired. */
  extensions: PairedExtension[];
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
const CHROMIUM_ID = '[a-p]{32}';
const FIREFOX_ID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const EXTENSION_ORIGIN = new RegExp(`^(chrome-extension://${CHROMIUM_ID}|moz-extension://${FIREFOX_ID})$`);

export const isExtensionOrigin = (origin: string | undefined): origin is string => origin !== undefined && EXTENSION_ORIGIN.test(origin);

/** A paired extension's id: its origin without the scheme (the two forms cannot meet). */
export const extensionIdOf = (origin: string): string => origin.slice(origin.indexOf('://') + 3);

/** The most extensions paired at once: a browser, its profiles, another browser or two. */
export const MAX_PAIRED_EXTENSIONS = 8;

/** Eight characters without look-alikes (no 0/O, 1/I/L), shown as two groups of four. */
export const PAIRING_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const PAIRING_CODE_LENGTH = 8;

/** A code as typed: case, spaces and the dash between the groups do not matter. */
export const normalizePairingCode = (typed: string): string => typed.toUpperCase().replace(/[\s-]/g, '');

/** `PATCH /api/extension/:extension` `{"accepting": …}`: take that extension's downloads, or not. */
export const extensionAcceptingSchema = z.strictObject({ accepting: z.boolean() });

/** A paired extension's id in a path: a Chromium id or a Firefox UUID, nothing else. */
export const extensionIdSchema = z.string().regex(new RegExp(`^(${CHROMIUM_ID}|${FIREFOX_ID})$`), 'Not a browser extension’s id');

/** The extension's `POST /api/extension/pair` body. */
export const pairRequestSchema = z.strictObject({ code: z.string().min(1).max(32) });

/** The gate the server asks (it never sees the engine class): implemented by ExtensionPairing. */
export interface ExtensionGate {
  /** Trades a code for a token and pairs `origin` (a new token if it was paired before), or refuses. */
  pair(code: string, origin: string): ExtensionGrant;
  /** The paired extension's origin this bearer token is, or null. */
  tokenOwner(token: string): string | null;
  /** Whether `origin` is a paired extension. */
  isPaired(origin: string): boolean;
  /** Whether that paired extension may hand over downloads now (see PairedExtension). */
  accepting(origin: string): boolean;
}

/** The pairing as its owner sees it: the gate, plus its state and its changes. */
export interface ExtensionPairingSource extends ExtensionGate {
  state(): ExtensionPairingState;
  onChange(listener: () => void): () => void;
}
