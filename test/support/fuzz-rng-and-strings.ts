/** The fuzz generator's seeded PRNG and its hostile strings (see fuzz-inputs.ts). */

// ---- the generator ------------------------------------------------------------------------------

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast, and the same sequence on every platform for one seed. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

// ---- strings ------------------------------------------------------------------------------------

/** The key a successful prototype pollution would add to every object. */
export const POLLUTION_KEY = 'steadfastPolluted';

/** A URL that is valid but never contacted (the discard port of this machine). */
export const HARMLESS_URL = 'http://127.0.0.1:9/fuzz.bin';

export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\r\n',
  '\0',
  'a\0b',
  '.',
  '..',
  '../../../../etc/passwd',
  '..\\..\\..\\Windows\\System32\\config\\SAM',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  '\\\\server\\share\\x',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%c0%af..%c0%afetc',
  '....//....//etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'CON',
  'NUL',
  'com1.txt',
  'LPT9',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '0x7fffffff',
  "'; DROP TABLE downloads; --",
  '" OR 1=1 --',
  '$(touch /tmp/steadfast-pwned)',
  '`id`',
  '| cat /etc/passwd',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{constructor.constructor("return process")()}}',
  '${7*7}',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'data:text/plain,hi',
  'ftp://127.0.0.1:9/x',
  'gopher://127.0.0.1:9/x',
  'ws://127.0.0.1:9/',
  's3://',
  's3://bucket',
  's3:///key',
  's3://bu cket/key',
  's3://bucket/\0',
  'http://',
  'https://',
  'http://[::1',
  'http://%zz/',
  '\u202eexe.txt\u202d',
  '\u200b\u200c\u200d\ufeff',
  'e\u0301'.repeat(40),
  '\u{1d573}\u{1d58a}\u{1d591}',
  '\u{1f600}'.repeat(80),
  '\u4e2d\u6587\u540d\u5b57',
  '\ufdfa',
  '\u0001\u001f\u007f\u0080\u009f',
  '\ufffe\uffff',
  '\ud800',
  '\udfff',
  'a\ud83dz',
  'A'.repeat(256),
  'x'.repeat(4097),
  '/'.repeat(5000),
];

const CODE_POINT_RANGES: readonly [number, number][] = [
  [0x20, 0x7e], // ASCII
  [0x20, 0x7e],
  [0x00, 0x1f], // controls, NUL
  [0x7f, 0xff], // DEL, C1, Latin-1
  [0x300, 0x36f], // combining marks
  [0x590, 0x6ff], // Hebrew, Arabic (right to left)
  [0x200b, 0x202e], // zero width, bidi controls
  [0x4e00, 0x9fff], // CJK
  [0xd800, 0xdfff], // lone surrogates
  [0xe000, 0xf8ff], // private use
  [0xfff0, 0xffff], // specials, non-characters
  [0x1f300, 0x1faff], // emoji (astral)
];

/** A random string of any code points, lone surrogates included. */
export function randomUnicode(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    const [low, high] = rng.pick(CODE_POINT_RANGES);
    out += String.fromCodePoint(rng.int(low, high));
  }
  return out;
}

export function hostileString(rng: Rng): string {
  switch (rng.int(0, 5)) {
    case 0:
    case 1:
    case 2:
      return rng.pick(HOSTILE_STRINGS);
    case 3:
      return randomUnicode(rng, rng.int(1, 40));
    case 4:
      return randomUnicode(rng, rng.int(200, 3000));
    default:
      return rng.pick(HOSTILE_STRINGS) + randomUnicode(rng, rng.int(0, 10));
  }
}

/** True when the string has no lone surrogate (so encodeURIComponent accepts it). */
export function isWellFormed(value: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

/** Latin-1 text without CR, LF or NUL: what an HTTP header value can carry. */
export function headerSafe(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    const code = rng.chance(0.8) ? rng.int(0x20, 0x7e) : rng.int(0x80, 0xff);
    out += String.fromCharCode(code);
  }
  return out;
}

/** A string that can never be an absolute URL: it has no ":" at all. */
export function withoutColon(rng: Rng): string {
  return hostileString(rng).replaceAll(':', '').replace(/^s3/, 'x3');
}
