import { describe, it, expect } from 'vitest';
import { parseContentRange } from '../../src-main/engine/content-range.js';

describe('parseContentRange', () => {
  it('parses a satisfied range with a total', () => {
    expect(parseContentRange('bytes 0-99/100')).toEqual({ first: 0, last: 99, total: 100 });
    expect(parseContentRange('bytes 629145600-1073741823/1073741824')).toEqual({
      first: 629145600,
      last: 1073741823,
      total: 1073741824,
    });
  });

  it('parses a one-byte range', () => {
    expect(parseContentRange('bytes 0-0/1')).toEqual({ first: 0, last: 0, total: 1 });
    expect(parseContentRange('bytes 41-41/42')).toEqual({ first: 41, last: 41, total: 42 });
  });

  it('keeps sizes above 4 GiB exact', () => {
    expect(parseContentRange('bytes 5000000000-5999999999/6000000000')).toEqual({
      first: 5_000_000_000,
      last: 5_999_999_999,
      total: 6_000_000_000,
    });
  });

  it('gives total null for an unknown complete length ("*")', () => {
    expect(parseContentRange('bytes 100-199/*')).toEqual({ first: 100, last: 199, total: null });
  });

  it('parses an unsatisfied range ("bytes */N", sent with 416)', () => {
    expect(parseContentRange('bytes */500')).toEqual({ first: null, last: null, total: 500 });
    expect(parseContentRange('bytes */0')).toEqual({ first: null, last: null, total: 0 });
  });

  it('is case-insensitive on the unit and tolerates surrounding and inner whitespace', () => {
    expect(parseContentRange('BYTES 0-0/1')).toEqual({ first: 0, last: 0, total: 1 });
    expect(parseContentRange('  bytes 1-2/3  ')).toEqual({ first: 1, last: 2, total: 3 });
    expect(parseContentRange('bytes  0-9/10')).toEqual({ first: 0, last: 9, total: 10 });
    expect(parseContentRange('Bytes */7')).toEqual({ first: null, last: null, total: 7 });
  });

  it('rejects a range whose last byte precedes its first', () => {
    expect(parseContentRange('bytes 5-4/10')).toBeNull();
  });

  it('rejects a range that reaches past the total (a lying server)', () => {
    expect(parseContentRange('bytes 0-100/100')).toBeNull();
    expect(parseContentRange('bytes 50-150/100')).toBeNull();
    expect(parseContentRange('bytes 0-0/0')).toBeNull();
  });

  it('rejects malformed headers', () => {
    for (const header of [
      '',
      'bytes',
      'bytes=0-1/2',
      'bytes 0-1',
      'bytes -1/2',
      'bytes 0-/2',
      'bytes 0-1/2,3',
      'bytes 0-1/-2',
      'bytes 0-9 /10',
      'bytes 1.5-2/3',
      'bytes */*',
      'items 0-1/2',
      '0-1/2',
    ]) {
      expect(parseContentRange(header), header).toBeNull();
    }
  });

  it('gives null without a header', () => {
    expect(parseContentRange(undefined)).toBeNull();
  });
});
