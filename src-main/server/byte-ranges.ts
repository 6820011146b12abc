/** What a `Range` header asks of a file of known size (RFC 9110 §14). */
export type RangeAsk = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

const WHOLE: RangeAsk = { kind: 'whole' };

/**
 * One `bytes=` range, as first-last (inclusive), first- or -suffix. Anything else (other units,
 * several ranges, a malformed or reversed one) is ignored and the whole file is sent, which
 * RFC 9110 allows; a range starting at or past the end cannot be satisfied (416).
 */
export function parseRange(header: string | undefined, size: number): RangeAsk {
  if (header === undefined) return WHOLE;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return WHOLE;
  const [, first = '', last = ''] = match;
  if (first === '') {
    if (last === '') return WHOLE;
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? { kind: 'unsatisfiable' } : { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return WHOLE;
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
