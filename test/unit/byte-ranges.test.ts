import { describe, expect, it } from 'vitest';
import { parseRange } from '../../src-main/server/byte-ranges.js';
import { attachment } from '../../src-main/server/content-disposition.js';

describe('parseRange (RFC 9110 §14), for a file of 1000 bytes unless said', () => {
  const rows: [string | undefined, number, ReturnType<typeof parseRange>][] = [
    [undefined, 1000, { kind: 'whole' }],
    ['bytes=0-0', 1000, { kind: 'part', start: 0, end: 0 }],
    ['bytes=10-19', 1000, { kind: 'part', start: 10, end: 19 }],
    ['bytes=990-', 1000, { kind: 'part', start: 990, end: 999 }],
    ['bytes=990-5000', 1000, { kind: 'part', start: 990, end: 999 }],
    ['bytes=-10', 1000, { kind: 'part', start: 990, end: 999 }],
    ['bytes=-5000', 1000, { kind: 'part', start: 0, end: 999 }],
    [' bytes=5-6 ', 1000, { kind: 'part', start: 5, end: 6 }],
    ['bytes=1000-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=99999999999999999999-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-1', 0, { kind: 'unsatisfiable' }],
    // Ignored, so the whole file goes out with 200.
    ['bytes=9-2', 1000, { kind: 'whole' }],
    ['bytes=0-1,5-6', 1000, { kind: 'whole' }],
    ['bytes=-', 1000, { kind: 'whole' }],
    ['items=0-1', 1000, { kind: 'whole' }],
    ['bytes=0x10-', 1000, { kind: 'whole' }],
    ['bytes=1e3-', 1000, { kind: 'whole' }],
  ];
  for (const [header, size, expected] of rows) {
    it(`${JSON.stringify(header)} of ${size} → ${JSON.stringify(expected)}`, () => expect(parseRange(header, size)).toEqual(expected));
  }
});

describe('attachment (RFC 6266, filename* per RFC 5987)', () => {
  it('keeps a plain name as it is', () => {
    expect(attachment('report-2024_v2.pdf')).toBe(`attachment; filename="report-2024_v2.pdf"; filename*=UTF-8''report-2024_v2.pdf`);
  });
  it("encodes what attr-char does not allow, and gives an ASCII fallback with nothing a quoted string could misread", () => {
    expect(attachment('日本 "q" \\ 50% (1)*.txt')).toBe(
      `attachment; filename="__ _q_ _ 50_ (1)*.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%20%22q%22%20%5C%2050%25%20%281%29%2A.txt`,
    );
  });
});
