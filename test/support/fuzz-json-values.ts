/** Hostile JSON values for the fuzz generator, and the helpers that build and print them (see fuzz-inputs.ts). */
import { hostileString, POLLUTION_KEY, type Rng } from './fuzz-rng-and-strings.js';

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
export function poisoned(rng: Rng, poison: readonly [string, unknown][], noise: readonly [string, unknown][]): Record<string, unknown> {
  const taken = new Set(poison.map(([key]) => key));
  return objectOf(shuffle(rng, [...poison, ...noise.filter(([key]) => !taken.has(key))]));
}

export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
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

export const HOSTILE_KEYS: readonly string[] = [
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
