import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import { isExtensionOrigin, normalizePairingCode } from '../../src-main/contract/extension-pairing.js';
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
    expect(pairing.holdsToken(token)).toBe(true);
    expect(pairing.holdsToken(`${token}x`)).toBe(false);
    expect(pairing.pairedOrigin()).toBe(CHROME);
    expect(pairing.state()).toEqual({ origin: CHROME, paired_at: 1_000_000, accepting: true, code: null, code_expires_at: null });
    const stored = secrets.get('extension-pairing')!;
    expect(stored).not.toContain(token);
    // The same code a second time, from anyone: spent.
    expect(refusal(() => pairing.pair(code, OTHER_CHROME))).toMatch(/^FORBIDDEN: No pairing code is waiting/);
    // A new Steadfast object on the same store (a restart) still knows the extension.
    expect(new ExtensionPairing(secrets, clock).holdsToken(token)).toBe(true);
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
    expect(pairing.pairedOrigin()).toBeNull();
  });

  it('pairing anew replaces the old extension; revoking forgets it; listeners hear each change', () => {
    const pairing = new ExtensionPairing(new MemorySecretStore(), manualClock());
    let changes = 0;
    pairing.onChange(() => (changes += 1));
    const first = pairing.pair(codeOf(pairing), CHROME).token;
    const second = pairing.pair(codeOf(pairing), FIREFOX).token;
    expect(pairing.holdsToken(first)).toBe(false);
    expect(pairing.holdsToken(second)).toBe(true);
    expect(pairing.pairedOrigin()).toBe(FIREFOX);
    pairing.revoke();
    expect(pairing.holdsToken(second)).toBe(false);
    expect(pairing.state()).toEqual({ origin: null, paired_at: null, accepting: false, code: null, code_expires_at: null });
    expect(changes).toBe(5);
  });

  it('Settings turns the extension off and on without unpairing; a new pairing starts on; with none paired it is refused', () => {
    const secrets = new MemorySecretStore();
    const pairing = new ExtensionPairing(secrets, manualClock());
    expect(refusal(() => pairing.setAccepting(true))).toBe('INVALID_STATE: No browser extension is paired: pair one first');
    const { token } = pairing.pair(codeOf(pairing), CHROME);
    let changes = 0;
    pairing.onChange(() => (changes += 1));
    expect(pairing.setAccepting(false)).toMatchObject({ origin: CHROME, accepting: false });
    expect([pairing.accepting(), pairing.holdsToken(token), changes]).toEqual([false, true, 1]);
    // Kept across a restart, with the token.
    expect(new ExtensionPairing(secrets, manualClock()).state()).toMatchObject({ origin: CHROME, accepting: false });
    expect(pairing.setAccepting(true).accepting).toBe(true);
    pairing.setAccepting(false);
    pairing.pair(codeOf(pairing), FIREFOX);
    expect(pairing.state()).toMatchObject({ origin: FIREFOX, accepting: true });
    secrets.set('extension-pairing', JSON.stringify({ ...JSON.parse(secrets.get('extension-pairing')!), paused: 'yes' }));
    expect(pairing.pairedOrigin()).toBeNull();
  });

  it('a damaged record pairs nothing', () => {
    const secrets = new MemorySecretStore();
    const pairing = new ExtensionPairing(secrets);
    for (const stored of ['{', '[]', JSON.stringify({ origin: 'https://evil.example', token_sha256: 'a'.repeat(64), paired_at: 1 })]) {
      secrets.set('extension-pairing', stored);
      expect(pairing.pairedOrigin()).toBeNull();
      expect(pairing.holdsToken('anything')).toBe(false);
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
    pairing.setAccepting(false);
    try {
      expect(verdict('POST', '/api/downloads/start', CHROME, bearer)).toBe('FORBIDDEN');
      expect(verdict('GET', '/api/downloads/:id', CHROME, bearer)).toBe('admit');
      expect(verdict('GET', '/api/extension/status', CHROME, bearer)).toBe('admit');
      expect(verdict('POST', '/api/downloads/start', CHROME, 'Bearer wrong-token-123456')).toBe('UNAUTHORIZED');
    } finally {
      pairing.setAccepting(true);
    }
    expect(verdict('POST', '/api/downloads/start', CHROME, bearer)).toBe('admit');
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
