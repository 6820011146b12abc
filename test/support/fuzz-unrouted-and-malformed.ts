/** REST requests no route serves, and bodies no route may accept (see fuzz-inputs.ts). */
import { objectOf, RawJson, toJsonText } from './fuzz-json-values.js';
import { ACTIONS, type FuzzRequest, JSON_TYPES, withQuery } from './fuzz-request-parts.js';
import { HARMLESS_URL, hostileString, POLLUTION_KEY, type Rng } from './fuzz-rng-and-strings.js';

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

/** A method and path no route serves (404), or that reaches the static files' refusal (403 as 400). */
export function unroutedRequest(rng: Rng, realId: string): Omit<FuzzRequest, 'kind' | 'headers'> {
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
export function malformedBody(rng: Rng, realId: string, headers: Record<string, string>): Omit<FuzzRequest, 'kind' | 'headers'> {
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
