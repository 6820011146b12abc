import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NOTICE_CODES } from '../../src-main/contract/notice-codes.js';
import type { OpenResult, Validator } from '../../src-main/engine/byte-source.js';
import {
  type Ask,
  breaksRanges,
  judgeResponse,
  mayResume,
  oneConnectionNotice,
  restartNotice,
  sameVersion,
} from '../../src-main/engine/resume-rules.js';

const V1 = { etag: '"1"', lastModified: 'Mon, 01 Jun 2026 00:00:00 GMT' };
const V2 = { etag: '"2"', lastModified: 'Tue, 02 Jun 2026 00:00:00 GMT' };
const ask: Ask = { offset: 1000, total: 5000, validator: V1, webPage: false };
const body = () => Readable.from([]);
const partial = (over: Partial<Extract<OpenResult, { kind: 'partial' }>> = {}): OpenResult => ({
  kind: 'partial',
  first: 1000,
  total: 5000,
  validator: V1,
  suggestedName: null,
  contentType: 'application/zip',
  encoded: false,
  body: body(),
  ...over,
});
const whole = (validator: Validator = V1, decoded = false, over: Partial<Extract<OpenResult, { kind: 'whole' }>> = {}): OpenResult => ({
  kind: 'whole',
  total: decoded ? null : 5000,
  validator,
  suggestedName: null,
  contentType: 'application/zip',
  acceptsRanges: !decoded,
  decoded,
  body: body(),
  ...over,
});
const page = { contentType: 'text/html' };

describe('judgeResponse: what a response to a ranged request means for the partial', () => {
  it.each([
    ['the range asked for, same file', partial(), { action: 'continue' }],
    ['a range of unknown total (bytes a-b/*)', partial({ total: null }), { action: 'continue' }],
    ['a range with no validator of its own', partial({ validator: { etag: null, lastModified: null } }), { action: 'continue' }],
    ['another range (a lying Content-Range)', partial({ first: 0 }), { action: 'restart', reason: 'WRONG_RANGE', useBody: false }],
    ['a Content-Range that cannot be read', partial({ first: null }), { action: 'restart', reason: 'WRONG_RANGE', useBody: false }],
    ['another size', partial({ total: 6000 }), { action: 'refuse', refusal: { reason: 'SIZE_CHANGED', was: 5000, now: 6000 } }],
    ['another ETag', partial({ validator: V2 }), { action: 'refuse', refusal: { reason: 'FILE_CHANGED' } }],
    ['an encoded range', partial({ encoded: true }), { action: 'restart', reason: 'ENCODED', useBody: false }],
    ['a range that is a web page', partial(page), { action: 'refuse', refusal: { reason: 'WEB_PAGE' } }],
    ['the whole unchanged file (Range ignored)', whole(), { action: 'restart', reason: 'RANGES_IGNORED', useBody: true }],
    ['the whole unchanged file of unsaid size (chunked)', whole(V1, false, { total: null }), { action: 'restart', reason: 'RANGES_IGNORED', useBody: true }],
    ['the whole new file (If-Range did its job)', whole(V2), { action: 'refuse', refusal: { reason: 'FILE_CHANGED' } }],
    ['the whole file of another size', whole(V1, false, { total: 7000 }), { action: 'refuse', refusal: { reason: 'SIZE_CHANGED', was: 5000, now: 7000 } }],
    ['the whole new file, gzip-encoded (judged by its own headers)', whole(V2, true), { action: 'refuse', refusal: { reason: 'FILE_CHANGED' } }],
    ['a web page with no validator (an expired link)', whole({ etag: null, lastModified: null }, false, { ...page, total: null }), { action: 'refuse', refusal: { reason: 'WEB_PAGE' } }],
    ['a web page that claims the same size and version', whole(V1, false, { contentType: 'application/xhtml+xml' }), { action: 'refuse', refusal: { reason: 'WEB_PAGE' } }],
    ['S3 412: IfMatch refused', { kind: 'changed' }, { action: 'refuse', refusal: { reason: 'FILE_CHANGED' } }],
    ['416 below the known end', { kind: 'unsatisfiable', total: 5000 }, { action: 'restart', reason: 'RANGE_GONE', useBody: false }],
    ['416 naming another size', { kind: 'unsatisfiable', total: 800 }, { action: 'refuse', refusal: { reason: 'SIZE_CHANGED', was: 5000, now: 800 } }],
  ] as const)('%s', (_name, response, verdict) => {
    expect(judgeResponse(ask, response as OpenResult)).toEqual(verdict);
  });

  it('416 at exactly the known end means every byte is in, unless the server names another size', () => {
    const atEnd = { ...ask, offset: 5000 };
    expect(judgeResponse(atEnd, { kind: 'unsatisfiable', total: 5000 })).toEqual({ action: 'complete' });
    expect(judgeResponse(atEnd, { kind: 'unsatisfiable', total: null })).toEqual({ action: 'complete' });
    expect(judgeResponse(atEnd, { kind: 'unsatisfiable', total: 4000 })).toEqual({ action: 'refuse', refusal: { reason: 'SIZE_CHANGED', was: 5000, now: 4000 } });
    expect(judgeResponse({ ...atEnd, total: null }, { kind: 'unsatisfiable', total: 5000 })).toMatchObject({ action: 'restart' });
  });

  it('a file named as a web page may be answered with one: then only its size and version decide', () => {
    const pageAsk = { ...ask, webPage: true };
    expect(judgeResponse(pageAsk, whole(V1, false, page))).toEqual({ action: 'restart', reason: 'RANGES_IGNORED', useBody: true });
    expect(judgeResponse(pageAsk, partial(page))).toEqual({ action: 'continue' });
    expect(judgeResponse(pageAsk, whole(V2, false, page))).toEqual({ action: 'refuse', refusal: { reason: 'FILE_CHANGED' } });
  });
});

describe('the rest of the rules', () => {
  it('a partial with no validator recorded is never continued', () => {
    expect(mayResume({ offset: 10, validator: { etag: null, lastModified: null } })).toBe('NO_VALIDATOR');
    expect(mayResume({ offset: 0, validator: { etag: null, lastModified: null } })).toBeNull();
    expect(mayResume({ offset: 10, validator: { etag: null, lastModified: V1.lastModified } })).toBeNull();
  });

  it('the strongest validator both sides have decides', () => {
    expect(sameVersion(V1, { etag: '"1"', lastModified: V2.lastModified })).toBe(true);
    expect(sameVersion({ etag: null, lastModified: V1.lastModified }, V2)).toBe(false);
    expect(sameVersion(V1, { etag: null, lastModified: null })).toBe(true);
  });

  it('messages and their notice codes are derived from the reason codes', () => {
    expect(restartNotice('NO_VALIDATOR')).toEqual({
      notice: 'The server gives no way to check that the file is unchanged; downloading again from the start.',
      notice_code: 'RESTART_NO_VALIDATOR',
    });
    expect(oneConnectionNotice('RANGES_IGNORED', 'h:1')).toEqual({
      notice: 'h:1 ignored a byte-range request; downloading again over one connection from the start.',
      notice_code: 'ONE_CONNECTION_RANGES_IGNORED',
    });
    expect(oneConnectionNotice('WRONG_RANGE', 'h:1')).toEqual({
      notice: 'h:1 answered a byte-range request with the wrong range; downloading again over one connection from the start.',
      notice_code: 'ONE_CONNECTION_WRONG_RANGE',
    });
  });

  it('each reason has its own notice code, the same whatever the host', () => {
    const reasons = ['NO_VALIDATOR', 'RANGES_IGNORED', 'ENCODED', 'WRONG_RANGE', 'RANGE_GONE'] as const;
    const restarts = reasons.map((r) => restartNotice(r).notice_code);
    expect(new Set(restarts).size).toBe(reasons.length);
    expect(restarts.every((code) => (NOTICE_CODES as readonly string[]).includes(code))).toBe(true);
    const splits = reasons.filter(breaksRanges).map((r) => oneConnectionNotice(r, 'a:1').notice_code);
    expect(new Set(splits).size).toBe(4);
    expect(reasons.map((r) => oneConnectionNotice(r, 'b:2').notice_code)).toEqual(reasons.map((r) => oneConnectionNotice(r, 'a:1').notice_code));
  });

  it('only a server that mishandles ranges sends a split download back to one connection', () => {
    expect(['RANGES_IGNORED', 'WRONG_RANGE', 'ENCODED', 'RANGE_GONE'].every((r) => breaksRanges(r as never))).toBe(true);
    expect(breaksRanges('NO_VALIDATOR')).toBe(false);
    expect(oneConnectionNotice('RANGE_GONE', 'h:1').notice).toBe('h:1 refused a byte range of the file; downloading again over one connection from the start.');
  });
});
