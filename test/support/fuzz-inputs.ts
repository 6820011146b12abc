/**
 * Deterministic hostile input for the REST API and the IPC handlers (test/integration/fuzz.test.ts).
 *
 * Every generator draws from one seeded PRNG, so a seed names a whole run and a failure can be
 * replayed by its index. Only requests that must be refused are generated: each carries at
 * least one "poison" (a wrong token, host or origin, an unknown route or id, an action the
 * state forbids, or an invalid field), so none of them may change anything. Values that are
 * hostile but legal (a `../` file name beside a valid URL) appear only next to a poison.
 *
 * URLs inside bodies point at 127.0.0.1:9 (discard): should a request ever be accepted by
 * mistake, nothing outside this machine is contacted.
 */
import { arityOf, METHOD_NAMES } from '../../src-main/contract/methods.js';

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
function withoutColon(rng: Rng): string {
  return hostileString(rng).replaceAll(':', '').replace(/^s3/, 'x3');
}

// ---- JSON values --------------------------------------------------------------------------------

/** JSON text that JavaScript values cannot produce (1e999, -0.0, 30-digit integers). */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * An object whose listed keys are all own properties, `__proto__` included. When a key repeats,
 * the first entry wins: a poison listed first is never overwritten by valid noise.
 */
export function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (Object.hasOwn(object, key)) continue;
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/** The poison's entries and then the noise's, in a shuffled key order, the poison winning any clash. */
function poisoned(rng: Rng, poison: readonly [string, unknown][], noise: readonly [string, unknown][]): Record<string, unknown> {
  const taken = new Set(poison.map(([key]) => key));
  return objectOf(shuffle(rng, [...poison, ...noise.filter(([key]) => !taken.has(key))]));
}

/** JSON text of a value built here: RawJson inserted as is, own `__proto__` keys kept. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => toJsonText(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((key) => `${JSON.stringify(key)}:${toJsonText((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The value a JSON parser makes of a RawJson (Infinity for 1e999), for transports without JSON. */
export function toJsValue(value: unknown): unknown {
  if (value instanceof RawJson) return JSON.parse(value.text) as unknown;
  if (Array.isArray(value)) return value.map((item) => toJsValue(item));
  if (value !== null && typeof value === 'object') {
    return objectOf(Object.keys(value).map((key) => [key, toJsValue((value as Record<string, unknown>)[key])] as const));
  }
  return value;
}

export const HOSTILE_NUMBERS: readonly unknown[] = [
  0,
  -1,
  1.5,
  0.1,
  -0.5,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  5e-324,
  new RawJson('1e999'),
  new RawJson('-1e999'),
  new RawJson('1e-999'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('-0.0'),
  new RawJson('1E+400'),
];

const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'url',
  's3',
  'content_id',
  'speed_limit',
  'dest_dir',
  'filename',
  'max_attempts',
  'catalog',
  '',
  ' ',
  'URL',
  '$where',
  '$ne',
  'a.b',
  'a[b]',
  '\0',
  '\u{1f600}',
];

/** A hostile JSON value: any type, huge and odd strings and numbers, nested containers. */
export function hostileJson(rng: Rng, depth = 2): unknown {
  const roll = rng.int(0, depth > 0 ? 9 : 6);
  if (roll <= 2) return hostileString(rng);
  if (roll <= 4) return rng.pick(HOSTILE_NUMBERS);
  if (roll === 5) return rng.pick([true, false, null]);
  if (roll === 6) return rng.pick([[], {}, '', 0]);
  if (roll === 7) return Array.from({ length: rng.int(1, 4) }, () => hostileJson(rng, depth - 1));
  if (roll === 8) {
    return objectOf(Array.from({ length: rng.int(1, 4) }, () => [rng.pick(HOSTILE_KEYS), hostileJson(rng, depth - 1)] as const));
  }
  return pollutionAttempt(rng);
}

/** The classic prototype pollution payloads, aimed at POLLUTION_KEY. */
export function pollutionAttempt(rng: Rng): Record<string, unknown> {
  const payload = objectOf([[POLLUTION_KEY, true]]);
  switch (rng.int(0, 3)) {
    case 0:
      return objectOf([['__proto__', payload]]);
    case 1:
      return objectOf([['constructor', objectOf([['prototype', payload]])]]);
    case 2:
      return objectOf([['prototype', payload]]);
    default:
      return objectOf([
        ['__proto__', payload],
        ['constructor', objectOf([['prototype', payload]])],
      ]);
  }
}

/** A string that is not a download address: a wrong type is handled by the callers. */
function invalidUrlString(rng: Rng): string {
  switch (rng.int(0, 6)) {
    case 0:
      return withoutColon(rng);
    case 1:
      return `${HARMLESS_URL}?${'a'.repeat(rng.int(8200, 9000))}`; // over 8192 characters
    case 2:
      return rng.pick([
        'file:///etc/passwd',
        'javascript:alert(1)',
        'data:text/plain,hi',
        'ftp://127.0.0.1:9/x',
        'gopher://127.0.0.1:9/x',
        'ws://127.0.0.1:9/',
        'mailto:a@b.c',
        'chrome://settings',
        'blob:http://127.0.0.1:9/x',
        'about:blank',
      ]);
    case 3:
      return rng.pick(['s3://', 's3://bucket', 's3://bucket/', 's3:///key', 's3://bu cket/key', 's3://bucket/\0', 's3://a\0b/key']);
    case 4:
      return rng.pick(['http://', 'https://', 'http://[::1', 'http://%zz/', 'http://a b/', 'http:///', 'http://:9/', '//127.0.0.1:9/x']);
    case 5:
      return `s3://${'b'.repeat(256)}/key`; // bucket over 255 characters
    default:
      return `s3://bucket/${'k'.repeat(1025)}`; // key over 1024 characters
  }
}

/** Anything but a valid url value: wrong types included. */
function invalidUrlValue(rng: Rng): unknown {
  return rng.chance(0.75) ? invalidUrlString(rng) : notAString(rng);
}

function notAString(rng: Rng): unknown {
  return rng.pick<unknown>([
    null,
    true,
    0,
    1e308,
    new RawJson('1e999'),
    [],
    [HARMLESS_URL],
    {},
    objectOf([['href', HARMLESS_URL]]),
    pollutionAttempt(rng),
  ]);
}

const INVALID_SPEED_LIMITS: readonly unknown[] = [
  1023,
  0,
  -1,
  1024.5,
  1e13,
  '2048',
  '',
  true,
  [],
  {},
  new RawJson('1e999'),
  new RawJson('-1e999'),
  new RawJson('123456789012345678901234567890'),
];

/** One add-request option with a value its schema refuses, or a key no schema knows. */
function invalidOption(rng: Rng): [string, unknown] {
  switch (rng.int(0, 5)) {
    case 0:
      return ['speed_limit', rng.pick(INVALID_SPEED_LIMITS)];
    case 1:
      return ['filename', rng.pick<unknown>(['', 'n'.repeat(256), '\u00e9'.repeat(300), 5, null, [], {}])];
    case 2:
      return [
        'dest_dir',
        rng.pick<unknown>(['', 'relative/dir', '../../etc', '~/Downloads', 'C:relative', '/tmp/a\0b', `/${'d'.repeat(4100)}`, 1, null, []]),
      ];
    case 3:
      return ['sha256', rng.pick<unknown>(['a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), '', 1, null])];
    case 4:
      return [rng.pick(['URL', 'extra', 'id', 'status', 'path', '$where', 'S3', 'priority', 'x']), hostileJson(rng, 1)];
    default:
      return [rng.pick(['max_attempts', 'download_dir', 'total_bytes']), hostileJson(rng, 1)];
  }
}

/** Options that are valid (or merely hostile-looking) and so never make a request invalid on their own. */
function noiseOptions(rng: Rng): [string, unknown][] {
  const options: [string, unknown][] = [];
  if (rng.chance(0.3)) options.push(['filename', rng.pick(['../../etc/passwd', 'CON', '\u202eexe.txt', 'a/b\\c', 'x'.repeat(200)])]);
  if (rng.chance(0.2)) options.push(['speed_limit', rng.pick([null, 1024, 1e12])]);
  if (rng.chance(0.2)) options.push(['sha256', 'A'.repeat(64)]);
  return options;
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** A body for POST /api/downloads/start (or the IPC `add`) that must be refused. */
export function invalidAddRequest(rng: Rng): unknown {
  switch (rng.int(0, 9)) {
    case 0:
      // Not an object at all.
      return rng.pick<unknown>([null, true, 0, '', HARMLESS_URL, [HARMLESS_URL], [objectOf([['url', HARMLESS_URL]])], new RawJson('1e999')]);
    case 1:
      // None of the three forms.
      return poisoned(rng, [[rng.pick(['URL', 'link', 'href', 'source', 's3_url', 'uri']), HARMLESS_URL]], noiseOptions(rng));
    case 2:
    case 3:
      return poisoned(rng, [['url', invalidUrlValue(rng)]], noiseOptions(rng));
    case 4:
    case 5:
      // A valid URL and one invalid option.
      return poisoned(rng, [['url', HARMLESS_URL], invalidOption(rng)], noiseOptions(rng));
    case 6:
      return poisoned(rng, [['s3', invalidS3(rng)]], noiseOptions(rng));
    case 7:
      // Two forms at once.
      return objectOf(
        shuffle(rng, [
          ['url', HARMLESS_URL],
          [rng.pick(['s3', 'content_id']), rng.pick<unknown>([objectOf([['bucket', 'b'], ['key', 'k']]), 'abc123'])],
        ]),
      );
    case 8:
      // The catalog form: no catalog is configured, and the fields are often wrong too.
      return poisoned(
        rng,
        [
          ['content_id', rng.pick<unknown>(['abc123', '../x', '', '.hidden', 'a'.repeat(129), 5, null])],
          ['quality', rng.pick<unknown>(['720p', '', 'q'.repeat(33), 1, null])],
        ],
        noiseOptions(rng),
      );
    default:
      return pollutionAttempt(rng);
  }
}

function invalidS3(rng: Rng): unknown {
  const fields: [string, unknown][] = [
    ['bucket', 'media'],
    ['key', 'videos/a.mp4'],
  ];
  switch (rng.int(0, 6)) {
    case 0:
      return rng.pick<unknown>([null, 's3://media/a.mp4', [], 5, true]);
    case 1:
      fields.splice(rng.int(0, 1), 1); // bucket or key missing
      break;
    case 2:
      fields[0] = ['bucket', rng.pick<unknown>(['', 'a/b', 'a b', 'a\0b', 'b'.repeat(256), 5, null, ['media']])];
      break;
    case 3:
      fields[1] = ['key', rng.pick<unknown>(['', 'k'.repeat(1025), 'a\0b', 5, null, {}])];
      break;
    case 4:
      fields.push(['region', rng.pick<unknown>(['EU-WEST-1', 'eu west 1', '', 'r'.repeat(65), 'eu_west_1', 1, null])]);
      break;
    case 5:
      fields.push(['endpoint', rng.pick<unknown>(['ftp://127.0.0.1:9', 'not a url', '', 'file:///tmp', 1, null])]);
      break;
    default:
      fields.push([rng.pick(['acl', 'Bucket', 'versionId', '__proto__', 'credentials']), hostileJson(rng, 1)]);
  }
  return objectOf(shuffle(rng, fields));
}

/** Settings fields with values each one's schema refuses. */
const INVALID_SETTINGS: Record<string, readonly unknown[]> = {
  max_attempts: [0, 101, 1.5, -1, '5', null, true, [], new RawJson('1e999')],
  initial_delay_seconds: [0, 0.09, 601, -1, '2', null, new RawJson('-0.0'), new RawJson('1e999')],
  backoff: ['linear', '', 'EXPONENTIAL', null, 1, ['fixed']],
  stall_timeout_seconds: [0.5, 3601, '30', null, new RawJson('-1e999')],
  max_concurrent: [0, 21, 2.5, '3', null],
  connections: [0, 17, 1.5, '4', null],
  speed_limit: INVALID_SPEED_LIMITS,
  download_dir: ['', 'relative', '../..', '~/Downloads', 'C:relative', '/tmp/a\0b', `/${'d'.repeat(4100)}`, 1, null, []],
  s3_region: ['EU', 'eu west', '', 'r'.repeat(65), 'eu_west_1', 1],
  s3_endpoint: ['ftp://127.0.0.1:9', 'not a url', '', 'javascript:alert(1)', 1, true],
  s3_force_path_style: ['true', 1, 0, 'yes', []],
  s3_access_key_id: ['a-b', '', 'k'.repeat(129), 'AKIA ABC', 1, true],
  s3_secret_access_key: ['', 's'.repeat(513), 1, true, [], {}],
  s3_profile: ['a b', '', 'p'.repeat(65), '../default', 1],
  catalog: [
    'media',
    1,
    [],
    {},
    objectOf([['bucket', 'media']]),
    objectOf([
      ['bucket', 'a/b'],
      ['key_template', 'v/{content_id}'],
      ['filename_template', '{content_id}.mp4'],
    ]),
    objectOf([
      ['bucket', 'media'],
      ['key_template', 'v/{other}'],
      ['filename_template', '{content_id}.mp4'],
    ]),
    objectOf([
      ['bucket', 'media'],
      ['key_template', 'v/{content_id}'],
      ['filename_template', '{content_id}.mp4'],
      ['qualities', []],
    ]),
    objectOf([
      ['bucket', 'media'],
      ['key_template', 'v/{content_id}'],
      ['filename_template', '{content_id}.mp4'],
      ['qualities', ['720p', '../x']],
    ]),
    objectOf([
      ['bucket', 'media'],
      ['key_template', 'v/{content_id}'],
      ['filename_template', '{content_id}.mp4'],
      ['extra', 1],
    ]),
  ],
};

/** Settings values that are valid: noise beside a poison (a patch is refused as a whole). */
const VALID_SETTINGS: readonly [string, unknown][] = [
  ['max_attempts', 7],
  ['initial_delay_seconds', 5],
  ['backoff', 'fixed'],
  ['max_concurrent', 2],
  ['speed_limit', 4096],
  ['download_dir', '/tmp/steadfast-fuzz-never-used'],
  ['s3_region', 'eu-west-1'],
  ['s3_secret_access_key', 'fuzz-secret-never-stored'],
  ['s3_access_key_id', 'AKIAFUZZ'],
];

/** A body for PATCH /api/settings (or the IPC `updateSettings`) that must be refused. */
export function invalidSettingsPatch(rng: Rng): unknown {
  const roll = rng.int(0, 9);
  if (roll === 0) return rng.pick<unknown>([null, true, 0, '', 'max_attempts=7', [], [objectOf([['max_attempts', 7]])], new RawJson('1e999')]);
  const entries: [string, unknown][] = [];
  if (roll <= 6) {
    const field = rng.pick(Object.keys(INVALID_SETTINGS));
    entries.push([field, rng.pick(INVALID_SETTINGS[field]!)]);
  } else if (roll <= 8) {
    // A key the schema does not know (strict): read-only fields, near misses, prototype names.
    entries.push([
      rng.pick([
        's3_secret_access_key_set',
        'MAX_ATTEMPTS',
        'max_attempts ',
        'maxAttempts',
        'token',
        'data_dir',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'x',
        '',
      ]),
      rng.chance(0.5) ? 7 : hostileJson(rng, 1),
    ]);
  } else {
    return pollutionAttempt(rng);
  }
  return poisoned(rng, entries, Array.from({ length: rng.int(0, 3) }, () => rng.pick(VALID_SETTINGS)));
}

/** A body for PATCH /api/downloads/:id that must be refused, whatever the download's state. */
export function invalidDownloadPatch(rng: Rng): unknown {
  switch (rng.int(0, 5)) {
    case 0:
      return rng.pick<unknown>([null, true, 0, '', HARMLESS_URL, [], [objectOf([['url', HARMLESS_URL]])], {}]);
    case 1:
      // Not exactly one of the two keys.
      return rng.pick<unknown>([
        objectOf([
          ['url', HARMLESS_URL],
          ['speed_limit', 2048],
        ]),
        objectOf([['URL', HARMLESS_URL]]),
        objectOf([['Speed_Limit', 2048]]),
        objectOf([
          ['url', HARMLESS_URL],
          ['x', 1],
        ]),
        objectOf([['status', 'completed']]),
        objectOf([['filename', '../../etc/passwd']]),
        objectOf([['dest_dir', '/etc']]),
      ]);
    case 2:
    case 3:
      return objectOf([['url', invalidUrlValue(rng)]]);
    case 4:
      return objectOf([['speed_limit', rng.pick(INVALID_SPEED_LIMITS)]]);
    default:
      return pollutionAttempt(rng);
  }
}

// ---- REST requests ------------------------------------------------------------------------------

export interface FuzzRequest {
  /** Which poison makes it invalid; the test groups results by it. */
  kind: 'auth' | 'host' | 'origin' | 'route' | 'id' | 'state' | 'body' | 'start' | 'settings' | 'malformed';
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RestContext {
  port: number;
  token: string;
  /** The id of the one (completed) download, so actions have something to hit. */
  realId: string;
}

const ACTIONS = ['pause', 'resume', 'cancel', 'restart'] as const;

/** Methods llhttp knows but no route serves (an unknown token is a parse error, not a request). */
const UNROUTED_METHODS = ['PUT', 'OPTIONS', 'TRACE', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'REPORT', 'LINK', 'UNLINK', 'ACL'];

/** Content types that are not JSON: a body sent with one can never be a valid request. */
const NON_JSON_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----fuzz',
  'application/xml',
  'application/octet-stream',
  'image/png',
];
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8'];

/** Texts no JSON parser accepts. */
const INVALID_JSON: readonly string[] = [
  '{',
  '}',
  '{"url":',
  "{'url':'http://127.0.0.1:9/a'}",
  '{"url":"http://127.0.0.1:9/a",}',
  '{url:"x"}',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '{"a":1}{"b":2}',
  '[1,2',
  '"unterminated',
  '{"a":1e}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":0x10}',
  '//comment\n{}',
  '/* c */ {}',
  '\ufeff{',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"tab\there"}',
  'nul',
  'tru',
  '\u0000',
];

/** Query strings that the API ignores or refuses; prototype-pollution shapes among them. */
function hostileQuery(rng: Rng): string {
  return rng.pick([
    `__proto__[${POLLUTION_KEY}]=1`,
    `__proto__.${POLLUTION_KEY}=1`,
    `constructor[prototype][${POLLUTION_KEY}]=1`,
    `constructor.prototype.${POLLUTION_KEY}=1`,
    '__proto__=1',
    'a=%ZZ',
    'a=%E0%A4%A',
    `x=${'q'.repeat(rng.int(100, 6000))}`,
    'delete_file=true&delete_file=false',
    'delete_file[]=true',
    'delete_file[a]=b',
    'a&&&b==&=',
    `q=${encodeURIComponent(randomUnicode(rng, 20).replace(/[\ud800-\udfff]/g, ''))}`,
    'q=../../etc/passwd',
    'q=%00',
  ]);
}

/** An id that is no download: a wrong format (400) or an unknown one (404), never the real one. */
function wrongId(rng: Rng, realId: string): string {
  const roll = rng.int(0, 9);
  let id: string;
  if (roll <= 3) id = hostileString(rng);
  else if (roll === 4) id = randomUnicode(rng, rng.int(1, 30));
  else if (roll === 5) id = 'a'.repeat(rng.int(65, 300));
  else if (roll === 6) id = rng.pick(['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype']);
  else if (roll === 7) id = rng.pick([realId.toUpperCase(), `${realId}0`, realId.slice(1), `${realId}\n`, ` ${realId}`]);
  else {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
    id = Array.from({ length: rng.int(1, 64) }, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
  }
  if (id === realId || id === '') id = `${realId}x`;
  return id;
}

/** A path segment for an id: percent-encoded, or raw when only URL-safe characters remain. */
function idSegment(rng: Rng, id: string): string {
  const wellFormed = isWellFormed(id) ? id : id.replace(/[\ud800-\udfff]/g, '\ufffd');
  const encoded = encodeURIComponent(wellFormed);
  if (rng.chance(0.15)) return encoded.replaceAll('%', '%25'); // encoded twice: a literal "%"
  return encoded;
}

function withQuery(rng: Rng, path: string, probability: number): string {
  return rng.chance(probability) ? `${path}?${hostileQuery(rng)}` : path;
}

/** Headers that must not change the outcome: proxies' claims, method overrides, cookies. */
function noiseHeaders(rng: Rng, headers: Record<string, string>): void {
  for (let i = rng.int(0, 3); i > 0; i -= 1) {
    const [name, value] = rng.pick<[string, () => string]>([
      ['x-forwarded-for', () => '127.0.0.1'],
      ['x-forwarded-host', () => 'localhost'],
      ['x-forwarded-proto', () => 'https'],
      ['forwarded', () => 'for=127.0.0.1;host=localhost;proto=https'],
      ['x-http-method-override', () => rng.pick(['DELETE', 'PATCH', 'GET', 'POST'])],
      ['x-real-ip', () => '127.0.0.1'],
      ['cookie', () => `token=${headerSafe(rng, 20)}`],
      ['accept', () => rng.pick(['text/html', 'application/xml', '*/*', headerSafe(rng, 30)])],
      ['accept-encoding', () => rng.pick(['gzip', 'br', 'deflate', '*'])],
      ['user-agent', () => headerSafe(rng, rng.int(0, 500))],
      ['range', () => 'bytes=0-1'],
      ['if-none-match', () => '*'],
      ['x-fuzz', () => headerSafe(rng, rng.int(0, 2000))],
    ]);
    headers[name] = value();
  }
}

/**
 * One request that must be refused with a 4xx. `kind` says why: auth, host and origin requests
 * may otherwise be perfectly valid (a real start, a real delete) and must still be refused.
 */
export function restRequest(rng: Rng, context: RestContext): FuzzRequest {
  const { port, token, realId } = context;
  const host = `127.0.0.1:${port}`;
  const headers: Record<string, string> = { host, authorization: `Bearer ${token}` };
  const json = (value: unknown): Buffer => Buffer.from(toJsonText(value));
  const withJson = (value: unknown) => {
    headers['content-type'] = rng.pick(JSON_TYPES);
    return json(value);
  };
  noiseHeaders(rng, headers);

  const roll = rng.next();
  let request: Omit<FuzzRequest, 'headers'> & { headers?: Record<string, string> };
  if (roll < 0.14) request = { kind: 'auth', ...anyRequest(rng, context, headers) };
  else if (roll < 0.2) request = { kind: 'host', ...anyRequest(rng, context, headers) };
  else if (roll < 0.26) request = { kind: 'origin', ...anyRequest(rng, context, headers) };
  else if (roll < 0.36) request = { kind: 'route', ...unroutedRequest(rng, realId) };
  else if (roll < 0.52) {
    const id = idSegment(rng, wrongId(rng, realId));
    const shape = rng.int(0, 6);
    if (shape <= 1) request = { kind: 'id', method: 'GET', path: `/api/downloads/${id}${rng.pick(['', '/progress', '/attempts'])}` };
    else if (shape === 2) request = { kind: 'id', method: 'POST', path: `/api/downloads/${id}/${rng.pick(ACTIONS)}` };
    else if (shape === 3) {
      const body = rng.pick<unknown>([objectOf([['url', HARMLESS_URL]]), objectOf([['speed_limit', 2048]]), objectOf([['speed_limit', null]]), invalidDownloadPatch(rng)]);
      request = { kind: 'id', method: 'PATCH', path: `/api/downloads/${id}`, body: withJson(body) };
    } else {
      const query = rng.pick(['', '?delete_file=true', '?delete_file=false', `?${hostileQuery(rng)}`]);
      request = { kind: 'id', method: 'DELETE', path: `/api/downloads/${id}${query}` };
    }
    request.path = withQuery(rng, request.path, 0.1);
  } else if (roll < 0.58) {
    // The completed download: every action is refused by its state.
    if (rng.chance(0.75)) {
      request = { kind: 'state', method: 'POST', path: `/api/downloads/${realId}/${rng.pick(ACTIONS)}` };
      if (rng.chance(0.3)) request.body = withJson(hostileJson(rng));
    } else {
      request = { kind: 'state', method: 'PATCH', path: `/api/downloads/${realId}`, body: withJson(objectOf([['url', HARMLESS_URL]])) };
    }
    request.path = withQuery(rng, request.path, 0.2);
  } else if (roll < 0.66) {
    if (rng.chance(0.6)) {
      request = { kind: 'body', method: 'PATCH', path: `/api/downloads/${realId}`, body: withJson(invalidDownloadPatch(rng)) };
    } else {
      const poison = rng.pick([
        'delete_file=yes',
        'delete_file=TRUE',
        'delete_file=1',
        'delete_file=',
        'delete_file',
        'delete_file=true&delete_file=false',
        'delete_file=true&x=1',
        'x=1',
        '__proto__=1',
        'constructor=1',
        '=x',
        `delete_file=${encodeURIComponent('true\0')}`,
      ]);
      request = { kind: 'body', method: 'DELETE', path: `/api/downloads/${realId}?${poison}${rng.chance(0.3) ? `&${hostileQuery(rng)}` : ''}` };
    }
  } else if (roll < 0.8) {
    request = { kind: 'start', method: 'POST', path: '/api/downloads/start', body: withJson(invalidAddRequest(rng)) };
  } else if (roll < 0.92) {
    request = { kind: 'settings', method: 'PATCH', path: '/api/settings', body: withJson(invalidSettingsPatch(rng)) };
  } else {
    request = { kind: 'malformed', ...malformedBody(rng, realId, headers) };
  }

  // The poison of the first three kinds is a header, applied last so nothing undoes it.
  if (request.kind === 'auth') {
    const wrong = wrongAuthorization(rng, token);
    if (wrong === null) delete headers.authorization;
    else headers.authorization = wrong;
  } else if (request.kind === 'host') {
    headers.host = rng.pick([
      'evil.example',
      `evil.example:${port}`,
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      `localhost.evil.example:${port}`,
      '127.0.0.2',
      '0.0.0.0',
      '[::2]',
      `[::ffff:7f00:1]:${port}`,
      '2130706433',
      '0x7f000001',
      '127.1',
      'localhost.',
      `evil.example:${port}@127.0.0.1`,
      // (No empty Host: Node's client would replace it with the real one.)
      'xn--80ak6aa92e.com',
      headerSafe(rng, 30).replaceAll(':', ''),
    ]);
  } else if (request.kind === 'origin') {
    headers.origin = rng.pick([
      'null',
      'http://evil.example',
      `http://evil.example:${port}`,
      `http://localhost:${port}`,
      `http://127.0.0.1:${port + 1}`,
      'http://127.0.0.1',
      `https://127.0.0.1:${port}.evil.example`,
      `http://127.0.0.1:${port}/`,
      `HTTP://127.0.0.1:${port}`,
      `ws://127.0.0.1:${port}`,
      'file://',
      'chrome-extension://abcdefghijklmnop',
      '',
      headerSafe(rng, 40),
    ]);
  }
  return { ...request, headers };
}

/** `null`: no Authorization header at all. Never the token, never a form a server would trim into it. */
function wrongAuthorization(rng: Rng, token: string): string | null {
  return rng.pick<string | null>([
    null,
    '',
    'Bearer',
    'Bearer ',
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, -1)}`,
    `Bearer x${token}`,
    `bearer ${token}`,
    `BEARER ${token}`,
    `Bearer  ${token}`,
    `Bearer\t${token}`,
    `Bearer ${token.toUpperCase()}`,
    `Bearer ${token}\u00a0`,
    `Bearer ${token},Bearer ${token}`,
    `Token ${token}`,
    `Basic ${Buffer.from(`user:${token}`).toString('base64')}`,
    `Bearer ${'a'.repeat(rng.int(1, 6000))}`,
    `Bearer ${headerSafe(rng, 40).replaceAll(' ', '_')}`,
    token,
  ]);
}

/** Any request at all, valid ones included (the caller breaks its token, host or origin). */
function anyRequest(rng: Rng, context: RestContext, headers: Record<string, string>): Omit<FuzzRequest, 'kind' | 'headers'> {
  const { realId } = context;
  const json = (value: unknown) => {
    headers['content-type'] = 'application/json';
    return Buffer.from(toJsonText(value));
  };
  const request: Omit<FuzzRequest, 'kind' | 'headers'> = rng.pick<() => Omit<FuzzRequest, 'kind' | 'headers'>>([
    () => ({ method: rng.pick(['GET', 'HEAD']), path: '/api/downloads' }),
    () => ({ method: 'GET', path: '/api/settings' }),
    () => ({ method: 'GET', path: '/api/events' }),
    () => ({ method: 'GET', path: `/api/downloads/${realId}${rng.pick(['', '/progress', '/attempts'])}` }),
    () => ({ method: 'POST', path: '/api/downloads/start', body: json(objectOf([['url', HARMLESS_URL]])) }),
    () => ({ method: 'POST', path: '/api/downloads/start', body: json(invalidAddRequest(rng)) }),
    () => ({ method: 'PATCH', path: '/api/settings', body: json(objectOf([['max_attempts', 9]])) }),
    () => ({ method: 'PATCH', path: '/api/settings', body: json(objectOf([['s3_secret_access_key', 'stolen']])) }),
    () => ({ method: 'PATCH', path: `/api/downloads/${realId}`, body: json(objectOf([['speed_limit', 2048]])) }),
    () => ({ method: 'DELETE', path: `/api/downloads/${realId}${rng.pick(['', '?delete_file=true'])}` }),
    () => ({ method: 'POST', path: `/api/downloads/${realId}/${rng.pick(ACTIONS)}` }),
  ])();
  if (rng.chance(0.1)) request.body = Buffer.from('x'.repeat(70 * 1024)); // over the limit: refused before it is read
  return request;
}

/** A method and path no route serves (404), or that reaches the static files' refusal (403 as 400). */
function unroutedRequest(rng: Rng, realId: string): Omit<FuzzRequest, 'kind' | 'headers'> {
  const apiPaths = [
    '/api/downloads',
    '/api/downloads/start',
    `/api/downloads/${realId}`,
    `/api/downloads/${realId}/progress`,
    `/api/downloads/${realId}/pause`,
    '/api/settings',
    '/api/events',
  ];
  const roll = rng.int(0, 3);
  if (roll === 0) return { method: rng.pick(UNROUTED_METHODS), path: withQuery(rng, rng.pick(apiPaths), 0.2) };
  if (roll === 1) {
    // A method the path exists for, but not this one.
    return rng.pick([
      { method: 'POST', path: '/api/downloads' },
      { method: 'DELETE', path: '/api/downloads' },
      { method: 'PATCH', path: '/api/downloads' },
      { method: 'POST', path: '/api/settings' },
      { method: 'DELETE', path: '/api/settings' },
      { method: 'POST', path: '/api/events' },
      { method: 'DELETE', path: '/api/events' },
      { method: 'GET', path: `/api/downloads/${realId}/${rng.pick(ACTIONS)}` },
      { method: 'DELETE', path: `/api/downloads/${realId}/${rng.pick(ACTIONS)}` },
      { method: 'POST', path: `/api/downloads/${realId}` },
      { method: 'POST', path: `/api/downloads/${realId}/progress` },
      { method: 'PATCH', path: `/api/downloads/${realId}/attempts` },
      { method: 'GET', path: '/api/downloads/start' },
      { method: 'DELETE', path: '/api/downloads/start' },
    ]);
  }
  const mutated = rng.pick([
    '/api',
    '/api/',
    '/api/download',
    '/api/downloads/',
    '/api/settings/',
    '/API/settings',
    '/api/Settings',
    '/api/settings.json',
    '/api/settings/x',
    '/api/settings%00',
    '/api/settings%2F',
    `/api/downloads/${realId}/progress/`,
    `/api/downloads/${realId}/pause/now`,
    `/api/downloads/${realId}/${encodeURIComponent(hostileString(rng).replace(/[\ud800-\udfff]/g, '')) || 'x'}`,
    `/api/downloads/${realId}//progress`,
    '/api//downloads',
    '/api/./settings',
    '/api/x/../settings',
    '/api/../index.html',
    '/api/%2e%2e/index.html',
    '/api/downloads/%2e%2e/%2e%2e/etc/passwd',
    `/api/downloads/${realId}/../../settings`,
    '/api/v2/downloads',
    '/api/admin',
    '/api/token',
    '/api/.env',
    '/api/downloads/start/..',
  ]);
  return { method: rng.pick(['GET', 'POST', 'PATCH', 'DELETE']), path: mutated };
}

/** Bodies no route may accept: broken JSON, wrong content types, over the size limit, deep nesting. */
function malformedBody(rng: Rng, realId: string, headers: Record<string, string>): Omit<FuzzRequest, 'kind' | 'headers'> {
  const target = rng.pick([
    { method: 'POST', path: '/api/downloads/start', valid: objectOf([['url', HARMLESS_URL]]) },
    { method: 'PATCH', path: '/api/settings', valid: objectOf([['max_attempts', 9]]) },
    { method: 'PATCH', path: `/api/downloads/${realId}`, valid: objectOf([['speed_limit', 2048]]) },
  ]);
  const roll = rng.int(0, 6);
  let body: Buffer;
  if (roll === 0) {
    headers['content-type'] = rng.pick(JSON_TYPES);
    body = Buffer.from(rng.pick(INVALID_JSON));
  } else if (roll === 1) {
    // A body that would be valid as JSON, sent as something else (or as nothing in particular).
    if (rng.chance(0.8)) headers['content-type'] = rng.pick(NON_JSON_TYPES);
    body = Buffer.from(toJsonText(target.valid));
  } else if (roll === 2) {
    headers['content-type'] = rng.pick([...JSON_TYPES, ...NON_JSON_TYPES]);
    body = Buffer.alloc(rng.int(64 * 1024 + 1, 200 * 1024), rng.pick(['x', '{', ' ', '\u00e9']));
  } else if (roll === 3) {
    headers['content-type'] = rng.pick(JSON_TYPES);
    const depth = rng.int(1000, 20_000);
    const inner = rng.pick(['1', '"x"', `{"__proto__":{"${POLLUTION_KEY}":true}}`, `{"constructor":{"prototype":{"${POLLUTION_KEY}":true}}}`]);
    body = Buffer.from(rng.chance(0.5) ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`);
  } else if (roll === 4) {
    headers['content-type'] = rng.pick(JSON_TYPES);
    body = Buffer.from(Array.from({ length: rng.int(1, 400) }, () => rng.int(0, 255)));
    if (body[0] === 0x7b || body[0] === 0x5b) body[0] = 0xff; // never accidentally an object
  } else if (roll === 5) {
    // The valid body followed by junk, or cut short.
    headers['content-type'] = rng.pick(JSON_TYPES);
    const text = toJsonText(target.valid);
    body = Buffer.from(rng.chance(0.5) ? `${text}${rng.pick(['x', '}', ',{}', '\0', ' garbage'])}` : text.slice(0, rng.int(1, text.length - 1)));
  } else {
    // A duplicate key whose last value (the one a parser keeps) is invalid.
    headers['content-type'] = rng.pick(JSON_TYPES);
    const key = target.path === '/api/settings' ? 'max_attempts' : target.path.endsWith('/start') ? 'url' : 'speed_limit';
    body = Buffer.from(`{"${key}":${toJsonText((target.valid as Record<string, unknown>)[key] ?? 9)},"${key}":${toJsonText(rng.pick<unknown>(['', 0, -1, [], new RawJson('1e999')]))}}`);
  }
  return { method: target.method, path: target.path, body };
}

// ---- IPC calls ----------------------------------------------------------------------------------

export interface IpcCall {
  kind: 'foreign' | 'arity' | 'id' | 'state' | 'args' | 'channel';
  channel: string;
  args: unknown[];
  /** The sender frame's URL for this call. */
  frameUrl: string;
}

export interface IpcContext {
  page: string;
  realId: string;
}

const ID_METHODS = ['get', 'progress', 'pause', 'resume', 'cancel', 'restart', 'attempts', 'openFile', 'showInFolder'] as const;
export const IPC_METHODS: readonly string[] = METHOD_NAMES;
const ARITY: Record<string, [number, number]> = Object.fromEntries(METHOD_NAMES.map((method) => [method, arityOf(method)]));

/**
 * A value that survives structured cloning (as Electron's IPC does) and is no valid argument:
 * BigInt, Date, Map, typed arrays, NaN, sparse arrays, huge strings, deep nesting.
 */
export function hostileIpcValue(rng: Rng, depth = 2): unknown {
  switch (rng.int(0, 11)) {
    case 0:
    case 1:
      return hostileString(rng);
    case 2:
      return toJsValue(rng.pick(HOSTILE_NUMBERS));
    case 3:
      return rng.pick<unknown>([undefined, null, true, false, NaN, Infinity, -Infinity, -0, 0n, 10n ** 30n, -1n]);
    case 4:
      return rng.pick<unknown>([
        new Date(0),
        new Date(Number.NaN),
        /.*/g,
        new Map([['url', HARMLESS_URL]]),
        new Set([HARMLESS_URL]),
        new Uint8Array([104, 116]),
        new Float64Array([Number.NaN]),
        new Error('boom'),
        new String(HARMLESS_URL),
        new Number(5),
        new Boolean(true),
      ]);
    case 5: {
      const sparse: unknown[] = [];
      sparse[rng.int(1, 100_000)] = HARMLESS_URL;
      return sparse;
    }
    case 6:
      return 'x'.repeat(rng.int(100_000, 1_000_000));
    case 7: {
      let nested: unknown = rng.pick<unknown>([HARMLESS_URL, pollutionAttempt(rng)]);
      for (let i = rng.int(10, 500); i > 0; i -= 1) nested = rng.chance(0.5) ? [nested] : objectOf([['a', nested]]);
      return nested;
    }
    case 8:
      return toJsValue(pollutionAttempt(rng));
    case 9:
      return depth > 0 ? Array.from({ length: rng.int(0, 4) }, () => hostileIpcValue(rng, depth - 1)) : [];
    default:
      return depth > 0
        ? objectOf(Array.from({ length: rng.int(0, 4) }, () => [rng.pick(HOSTILE_KEYS), hostileIpcValue(rng, depth - 1)] as const))
        : {};
  }
}

/** Top-level values zod takes for `{}` (they have no own keys): never sent where `{}` is valid. */
function isKeylessObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0 && !(value instanceof String);
}

/** An id argument that is no download: wrong types, wrong formats, unknown ids. */
function wrongIdValue(rng: Rng, realId: string): unknown {
  return rng.chance(0.6) ? wrongId(rng, realId) : rng.pick<unknown>([hostileIpcValue(rng), [realId], objectOf([['id', realId]]), new String(realId), undefined, null, 1]);
}

/** One call that must come back as `{ok: false}`: `kind` says why. */
export function ipcCall(rng: Rng, context: IpcContext): IpcCall {
  const { page, realId } = context;
  const method = rng.pick(IPC_METHODS);
  const channel = `downloads:${method}`;
  const roll = rng.next();

  if (roll < 0.03) {
    const name = rng.pick(['shell', 'exec', 'openExternal', 'readFile', '__proto__', 'constructor', 'changed', 'list ', 'LIST', hostileString(rng)]);
    return { kind: 'channel', channel: rng.chance(0.8) ? `downloads:${name}` : name, args: [realId], frameUrl: page };
  }
  if (roll < 0.18) {
    // A valid call from any other frame: refused before its arguments are looked at.
    const validArgs = (): unknown[] => {
      if (method === 'list' || method === 'getSettings') return [];
      if (method === 'add') return [objectOf([['url', HARMLESS_URL]])];
      if (method === 'updateSettings') return [objectOf([['max_attempts', 9]])];
      if (method === 'changeSource') return [realId, HARMLESS_URL];
      if (method === 'setSpeedLimit') return [realId, 2048];
      if (method === 'remove') return [realId, objectOf([['delete_file', true]])];
      return [realId];
    };
    const frameUrl = rng.pick([
      'https://evil.example/',
      'http://127.0.0.1:9/',
      `${page}?x=1`,
      `${page.replace('index.html', 'index.htm')}`,
      page.replace('/renderer/', '/renderer/../renderer/'),
      page.toUpperCase(),
      `${page} `,
      `view-source:${page}`,
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      'data:text/html,<script>1</script>',
      'file:///tmp/evil.html',
      '',
    ]);
    return { kind: 'foreign', channel, args: rng.chance(0.7) ? validArgs() : [hostileIpcValue(rng)], frameUrl };
  }
  if (roll < 0.35) {
    const [min, max] = ARITY[method]!;
    const counts = [...Array.from({ length: min }, (_, i) => i), ...Array.from({ length: 4 }, (_, i) => max + 1 + i)];
    const count = rng.pick(counts);
    const args = Array.from({ length: count }, (_, i) => (i === 0 && rng.chance(0.5) ? realId : hostileIpcValue(rng)));
    return { kind: 'arity', channel, args, frameUrl: page };
  }
  if (roll < 0.6) {
    // A wrong id, whatever comes with it.
    const idMethod = rng.pick([...ID_METHODS, 'changeSource', 'setSpeedLimit', 'remove']);
    const id = wrongIdValue(rng, realId);
    let args: unknown[] = [id];
    if (idMethod === 'changeSource') args = [id, rng.chance(0.5) ? HARMLESS_URL : hostileIpcValue(rng)];
    if (idMethod === 'setSpeedLimit') args = [id, rng.pick<unknown>([2048, null, hostileIpcValue(rng)])];
    if (idMethod === 'remove' && rng.chance(0.6)) args = [id, rng.pick<unknown>([objectOf([['delete_file', true]]), {}, hostileIpcValue(rng)])];
    return { kind: 'id', channel: `downloads:${idMethod}`, args, frameUrl: page };
  }
  if (roll < 0.72) {
    // The completed download: state refusals, and invalid second arguments.
    const pick = rng.int(0, 3);
    if (pick === 0) return { kind: 'state', channel: `downloads:${rng.pick(ACTIONS)}`, args: [realId], frameUrl: page };
    if (pick === 1) {
      return { kind: 'state', channel: 'downloads:changeSource', args: [realId, rng.chance(0.5) ? HARMLESS_URL : invalidIpcUrl(rng)], frameUrl: page };
    }
    if (pick === 2) {
      return { kind: 'state', channel: 'downloads:setSpeedLimit', args: [realId, invalidIpcSpeedLimit(rng)], frameUrl: page };
    }
    return { kind: 'state', channel: 'downloads:remove', args: [realId, invalidRemoveOptions(rng)], frameUrl: page };
  }
  // Invalid request bodies, as the page could send them.
  if (rng.chance(0.5)) {
    const request = rng.chance(0.7) ? toJsValue(invalidAddRequest(rng)) : hostileIpcValue(rng);
    return { kind: 'args', channel: 'downloads:add', args: [request], frameUrl: page };
  }
  if (rng.chance(0.7)) return { kind: 'args', channel: 'downloads:updateSettings', args: [toJsValue(invalidSettingsPatch(rng))], frameUrl: page };
  // Any value: a plain object gets one refused field (its other keys could all be valid settings),
  // and an instance of a class (which zod reads as its own keys only) becomes a refused field's value.
  const value = hostileIpcValue(rng);
  let patch = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const plain = Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null;
    patch = plain
      ? objectOf([...Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]] as const), ['s3_region', 'NOT A REGION']])
      : objectOf([['max_attempts', value]]);
  } else if (value === undefined) {
    patch = objectOf([['max_attempts', 'undefined']]);
  }
  return { kind: 'args', channel: 'downloads:updateSettings', args: [patch], frameUrl: page };
}

function invalidIpcUrl(rng: Rng): unknown {
  const value = toJsValue(invalidUrlValue(rng));
  return rng.chance(0.2) ? hostileIpcValue(rng) : value;
}

function invalidIpcSpeedLimit(rng: Rng): unknown {
  const value = rng.chance(0.6) ? toJsValue(rng.pick(INVALID_SPEED_LIMITS)) : hostileIpcValue(rng);
  // undefined, NaN and the like are refused; an accidental valid limit is replaced by a refused one.
  return typeof value === 'number' && Number.isInteger(value) && value >= 1024 && value <= 1e12 ? value + 0.5 : value === null ? -1 : value;
}

/** Options `remove` refuses (never undefined or a key-less object, which mean "no options"). */
function invalidRemoveOptions(rng: Rng): unknown {
  const value = rng.pick<unknown>([
    null,
    true,
    'delete_file',
    1,
    [],
    [true],
    objectOf([['delete_file', 'yes']]),
    objectOf([['delete_file', 1]]),
    objectOf([['delete_file', null]]),
    objectOf([
      ['delete_file', true],
      ['force', true],
    ]),
    objectOf([['deleteFile', true]]),
    toJsValue(pollutionAttempt(rng)),
    hostileIpcValue(rng),
  ]);
  return value === undefined || isKeylessObject(value) ? objectOf([['delete_file', value ?? 'undefined']]) : value;
}
