import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import { isExtensionOrigin, MAX_PAIRED_EXTENSIONS, normalizePairingCode } from '../../src-main/contract/extension-pairing.js';
import type { Clock } from '../../src-main/engine/clock.js';
import { ExtensionPairing, PAIRING_CODE_GUESSES, PAIRING_CODE_TTL_MS } from '../../src-main/engine/extension-pairing.js';
import { MemorySecretStore } from '../../src-main/engine/secret-store.js';
import { extensionDoor } from '../../src-main/server/extension-door.js';

const CHROME = `chrome-extension://${'abcdefghijklmnop'.repeat(2)}`;
const OTHER_CHROME = `chrome-extension://${'p'.repeat(32)}`;
const FIREFOX = 'moz-extension://0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

function manualClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, setTimeout: () => () => undefined, advance: (ms) => (now += ms) };
}

const codeOf = (pairing: ExtensionPairing): string => pairing.startPairing().code!;
const refusal = (work: () => unknown): string => {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiRequestError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('not refused');
};

describe('extension origins', () => {
  it('are a Chromium id (32 letters a–p) or a Firefox installation UUID, nothing else', () => {
    expect(isExtensionOrigin(CHROME)).toBe(true);
    expect(isExtensionOrigin(FIREFOX)).toBe(true);
    expect(isExtensionOrigin(`chrome-extension://${'q'.repeat(32)}`)).toBe(false);
    expect(isExtensionOrigin(`${CHROME}/`)).toBe(false);
    expect(isExtensionOrigin(`${CHROME}.evil.example`)).toBe(false);
    expect(isExtensionOrigin('https://evil.example')).toBe(false);
    expect(isExtensionOrigin('null')).toBe(false);
    expect(isExtensionOrigin(undefined)).toBe(false);
  });
});

const CHROME_ID = 'abcdefghijklmnop'.repeat(2);
const FIREFOX_ID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const origins = (pairing: ExtensionPairing) => pairing.state().extensions.map((e) => e.origin);

describe('pairing', () => {
  it('trades a code once for a token, keeping only its hash beside the origin', () => {
    const secrets = new MemorySecretStore();
    const clock = manualClock();
    const pairing = new ExtensionPairing(secrets, clock);
    const code = codeOf(pairing);
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `;
    expect(normalizePairingCode(typed)).toBe(code);

    const { token } = pairing.pair(typed, CHROME);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pairing.tokenOwner(token)).toBe(CHROME);
    expect(pairing.tokenOwner(`${token}x`)).toBeNull();
    expect(pairing.isPaired(CHROME)).toBe(true);
    expect(pairing.state()).toEqual({
      extensions: [{ id: CHROME_ID, origin: CHROME, paired_at: 1_000_000, accepting: true }],
      code: null,
      code_expires_at: null,
    });
    const stored = secrets.get('extension-pairing')!;
    expect(stored).not.toContain(token);
    // The same code a second time, from anyone: spent.
    expect(refusal(() => pairing.pair(code, OTHER_CHROME))).toMatch(/^FORBIDDEN: No pairing code is waiting/);
    // A new Steadfast object on the same store (a restart) still knows the extension.
    expect(new ExtensionPairing(secrets, clock).tokenOwner(token)).toBe(CHROME);
  });

  it('refuses web pages, lapsed codes, and voids a code after five wrong guesses', () => {
    const clock = manualClock();
    const pairing = new ExtensionPairing(new MemorySecretStore(), clock);
    let code = codeOf(pairing);
    expect(refusal(() => pairing.pair(code, 'https://evil.example'))).toMatch(/^FORBIDDEN: Only a browser extension/);
    clock.advance(PAIRING_CODE_TTL_MS);
    expect(pairing.state().code).toBeNull();
    expect(refusal(() => pairing.pair(code, CHROME))).toMatch(/No pairing code is waiting/);

    code = codeOf(pairing);
    for (let guess = 1; guess < PAIRING_CODE_GUESSES; guess++) expect(refusal(() => pairing.pair('ZZZZZZZZ', CHROME))).toBe('FORBIDDEN: Wrong pairing code');
    expect(refusal(() => pairing.pair('ZZZZZZZZ', CHROME))).toMatch(/too many times/);
    expect(refusal(() => pairing.pair(code, CHROME))).toMatch(/No pairing code is waiting/);
    expect(pairing.state().extensions).toEqual([]);
  });

  it('each browser pairs on its own; pairing one again gives it a new token; revoking forgets that one only', () => {
    const pairing = new ExtensionPairing(new MemorySecretStore(), manualClock());
    let changes = 0;
    pairing.onChange(() => (changes += 1));
    const chrome = pairing.pair(codeOf(pairing), CHROME).token;
    const firefox = pairing.pair(codeOf(pairing), FIREFOX).token;
    expect([pairing.tokenOwner(chrome), pairing.tokenOwner(firefox)]).toEqual([CHROME, FIREFOX]);
    expect(pairing.state().extensions.map((e) => e.id)).toEqual([CHROME_ID, FIREFOX_ID]);

    const renewed = pairing.pair(codeOf(pairing), CHROME).token;
    expect([pairing.tokenOwner(chrome), pairing.tokenOwner(renewed)]).toEqual([null, CHROME]);
    expect(origins(pairing)).toEqual([FIREFOX, CHROME]);

    pairing.revoke(CHROME_ID);
    expect([pairing.tokenOwner(renewed), pairing.tokenOwner(firefox)]).toEqual([null, FIREFOX]);
    expect(refusal(() => pairing.revoke(CHROME_ID))).toBe(`NOT_FOUND: No browser extension ${CHROME_ID} is paired`);
    pairing.revoke(FIREFOX_ID);
    expect(pairing.state()).toEqual({ extensions: [], code: null, code_expires_at: null });
    expect(changes).toBe(8);
  });

  it(`holds at most ${MAX_PAIRED_EXTENSIONS}: one more is refused until one is revoked; pairing a known one again is not one more`, () => {
    const pairing = new ExtensionPairing(new MemorySecretStore(), manualClock());
    const many = Array.from({ length: MAX_PAIRED_EXTENSIONS }, (_, k) => `chrome-extension://${String.fromCharCode(97 + k).repeat(32)}`);
    for (const origin of many) pairing.pair(codeOf(pairing), origin);
    expect(refusal(() => pairing.pair(codeOf(pairing), FIREFOX))).toBe(
      `FORBIDDEN: Steadfast already has ${MAX_PAIRED_EXTENSIONS} paired browser extensions: revoke one in Settings first`,
    );
    expect(pairing.pair(codeOf(pairing), many[0]!).token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    pairing.revoke('a'.repeat(32));
    pairing.pair(codeOf(pairing), FIREFOX);
    expect(origins(pairing)).toHaveLength(MAX_PAIRED_EXTENSIONS);
  });

  it('Settings turns each extension off and on without unpairing; a new pairing starts on; an unknown one is NOT_FOUND', () => {
    const secrets = new MemorySecretStore();
    const pairing = new ExtensionPairing(secrets, manualClock());
    expect(refusal(() => pairing.setAccepting(CHROME_ID, true))).toBe(`NOT_FOUND: No browser extension ${CHROME_ID} is paired`);
    const { token } = pairing.pair(codeOf(pairing), CHROME);
    pairing.pair(codeOf(pairing), FIREFOX);
    let changes = 0;
    pairing.onChange(() => (changes += 1));
    expect(pairing.setAccepting(CHROME_ID, false).extensions.map((e) => e.accepting)).toEqual([false, true]);
    expect([pairing.accepting(CHROME), pairing.accepting(FIREFOX), pairing.tokenOwner(token), changes]).toEqual([false, true, CHROME, 1]);
    // Kept across a restart, with the token.
    expect(new ExtensionPairing(secrets, manualClock()).state().extensions.map((e) => e.accepting)).toEqual([false, true]);
    expect(pairing.setAccepting(CHROME_ID, true).extensions.map((e) => e.accepting)).toEqual([true, true]);
    pairing.setAccepting(CHROME_ID, false);
    pairing.pair(codeOf(pairing), CHROME);
    expect(pairing.accepting(CHROME)).toBe(true);
  });

  it('reads the single record an earlier version kept; a damaged record pairs nothing', () => {
    const secrets = new MemorySecretStore();
    const pairing = new ExtensionPairing(secrets);
    const token = 'earlier-version-token-0123456789';
    const hash = createHash('sha256').update(token).digest('hex');
    secrets.set('extension-pairing', JSON.stringify({ origin: CHROME, token_sha256: hash, paired_at: 5, paused: true }));
    expect(pairing.state().extensions).toEqual([{ id: CHROME_ID, origin: CHROME, paired_at: 5, accepting: false }]);
    expect(pairing.tokenOwner(token)).toBe(CHROME);
    for (const stored of ['{', '[]', 'null', JSON.stringify({ origin: 'https://evil.example', token_sha256: 'a'.repeat(64), paired_at: 1 }), JSON.stringify([{ origin: CHROME, token_sha256: hash, paired_at: 1, paused: 'yes' }])]) {
      secrets.set('extension-pairing', stored);
      expect(pairing.state().extensions, stored).toEqual([]);
      expect(pairing.tokenOwner(token)).toBeNull();
    }
  });
});

describe('the door for extensions', () => {
  const pairing = new ExtensionPairing(new MemorySecretStore(), manualClock());
  const token = pairing.pair(codeOf(pairing), CHROME).token;
  const bearer = `Bearer ${token}`;
  const verdict = (method: string, route: string | undefined, origin: string | undefined, authorization?: string) => {
    const result = extensionDoor(pairing, { method, route, origin, authorization });
    return typeof result === 'string' ? result : result.code;
  };

  it('admits the paired origin with its token on its routes only', () => {
    expect(verdict('POST', '/api/downloads/start', CHROME, bearer)).toBe('admit');
    expect(verdict('GET', '/api/downloads/:id', CHROME, bearer)).toBe('admit');
    expect(verdict('GET', '/api/extension/status', CHROME, bearer)).toBe('admit');
    expect(verdict('GET', '/api/downloads', CHROME, bearer)).toBe('FORBIDDEN');
    expect(verdict('PATCH', '/api/settings', CHROME, bearer)).toBe('FORBIDDEN');
    expect(verdict('POST', '/api/extension/code', CHROME, bearer)).toBe('FORBIDDEN');
    expect(verdict('POST', '/api/downloads/start', CHROME, 'Bearer wrong-token-123456')).toBe('UNAUTHORIZED');
    expect(verdict('POST', '/api/downloads/start', CHROME)).toBe('UNAUTHORIZED');
  });

  it('turned off in Settings, the extension may read its downloads and status but not hand over one', () => {
    pairing.setAccepting(CHROME_ID, false);
    try {
      expect(verdict('POST', '/api/downloads/start', CHROME, bearer)).toBe('FORBIDDEN');
      expect(verdict('GET', '/api/downloads/:id', CHROME, bearer)).toBe('admit');
      expect(verdict('GET', '/api/extension/status', CHROME, bearer)).toBe('admit');
      expect(verdict('POST', '/api/downloads/start', CHROME, 'Bearer wrong-token-123456')).toBe('UNAUTHORIZED');
    } finally {
      pairing.setAccepting(CHROME_ID, true);
    }
    expect(verdict('POST', '/api/downloads/start', CHROME, bearer)).toBe('admit');
  });

  it('another paired extension\'s token does not speak for this one', () => {
    const other = new ExtensionPairing(new MemorySecretStore(), manualClock());
    const chrome = other.pair(codeOf(other), CHROME).token;
    const firefox = other.pair(codeOf(other), FIREFOX).token;
    const door = (origin: string, token: string) => extensionDoor(other, { method: 'POST', route: '/api/downloads/start', origin, authorization: `Bearer ${token}` });
    expect([door(CHROME, chrome), door(FIREFOX, firefox)]).toEqual(['admit', 'admit']);
    expect((door(CHROME, firefox) as ApiRequestError).code).toBe('UNAUTHORIZED');
    expect((door(FIREFOX, chrome) as ApiRequestError).code).toBe('UNAUTHORIZED');
  });

  it('refuses other extensions, answers preflights for the paired one, lets any extension try a code', () => {
    expect(verdict('POST', '/api/downloads/start', OTHER_CHROME, bearer)).toBe('FORBIDDEN');
    expect(verdict('OPTIONS', '/api/downloads/start', OTHER_CHROME)).toBe('FORBIDDEN');
    expect(verdict('OPTIONS', '/api/downloads/start', CHROME)).toBe('admit');
    expect(verdict('POST', '/api/extension/pair', OTHER_CHROME)).toBe('admit');
    expect(verdict('OPTIONS', '/api/extension/pair', FIREFOX)).toBe('admit');
  });

  it('leaves web pages and the main token to the usual rules; an Origin-less GET needs the extension token', () => {
    expect(verdict('POST', '/api/downloads/start', 'https://evil.example', bearer)).toBe('pass');
    expect(verdict('POST', '/api/downloads/start', undefined, 'Bearer main-token-123456')).toBe('pass');
    expect(verdict('GET', '/api/downloads/:id', undefined, bearer)).toBe('admit');
    expect(verdict('GET', '/api/settings', undefined, bearer)).toBe('pass');
    expect(extensionDoor(null, { method: 'POST', route: '/api/downloads/start', origin: CHROME, authorization: bearer })).toBe('pass');
  });
});
