/** What the REST (and IPC) fuzz requests are made of: wrong ids, hostile queries, noise headers (see fuzz-inputs.ts). */
import { headerSafe, hostileString, isWellFormed, POLLUTION_KEY, randomUnicode, type Rng } from './fuzz-rng-and-strings.js';

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

export const ACTIONS = ['pause', 'resume', 'cancel', 'restart'] as const;

export const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8'];

/** Query strings that the API ignores or refuses; prototype-pollution shapes among them. */
export function hostileQuery(rng: Rng): string {
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
export function wrongId(rng: Rng, realId: string): string {
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
export function idSegment(rng: Rng, id: string): string {
  const wellFormed = isWellFormed(id) ? id : id.replace(/[\ud800-\udfff]/g, '\ufffd');
  const encoded = encodeURIComponent(wellFormed);
  if (rng.chance(0.15)) return encoded.replaceAll('%', '%25'); // encoded twice: a literal "%"
  return encoded;
}

export function withQuery(rng: Rng, path: string, probability: number): string {
  return rng.chance(probability) ? `${path}?${hostileQuery(rng)}` : path;
}

/** Headers that must not change the outcome: proxies' claims, method overrides, cookies. */
export function noiseHeaders(rng: Rng, headers: Record<string, string>): void {
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
