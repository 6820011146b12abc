/** One IPC call that must come back refused, and the structured-clone values it carries (see fuzz-inputs.ts). */
import { arityOf, METHOD_NAMES } from '../../src-main/contract/methods.js';
import { invalidAddRequest, invalidUrlValue, INVALID_SPEED_LIMITS } from './fuzz-invalid-bodies.js';
import { invalidSettingsPatch } from './fuzz-invalid-settings.js';
import { HOSTILE_KEYS, HOSTILE_NUMBERS, objectOf, pollutionAttempt, toJsValue } from './fuzz-json-values.js';
import { ACTIONS, wrongId } from './fuzz-request-parts.js';
import { HARMLESS_URL, hostileString, type Rng } from './fuzz-rng-and-strings.js';

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

const ID_METHODS = ['get', 'progress', 'pause', 'resume', 'cancel', 'restart', 'attempts', 'history', 'openFile', 'showInFolder'] as const;
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
      if (['list', 'getSettings', 'extensionPairing', 'startExtensionPairing'].includes(method)) return [];
      if (method === 'revokeExtension') return ['a'.repeat(32)];
      if (method === 'add') return [objectOf([['url', HARMLESS_URL]])];
      if (method === 'updateSettings') return [objectOf([['max_attempts', 9]])];
      if (method === 'setExtensionAccepting') return ['a'.repeat(32), objectOf([['accepting', false]])];
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
