/** One REST request that must be refused, whatever its poison (see fuzz-inputs.ts). */
import { invalidAddRequest, invalidDownloadPatch } from './fuzz-invalid-bodies.js';
import { invalidSettingsPatch } from './fuzz-invalid-settings.js';
import { hostileJson, objectOf, toJsonText } from './fuzz-json-values.js';
import { ACTIONS, type FuzzRequest, hostileQuery, idSegment, JSON_TYPES, noiseHeaders, type RestContext, withQuery, wrongId } from './fuzz-request-parts.js';
import { HARMLESS_URL, headerSafe, type Rng } from './fuzz-rng-and-strings.js';
import { malformedBody, unroutedRequest } from './fuzz-unrouted-and-malformed.js';

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
