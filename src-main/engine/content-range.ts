/** A parsed `Content-Range: bytes first-last/total` (RFC 9110 §14.4); `total` null for `*`. */
export interface ContentRange {
  first: number | null;
  last: number | null;
  total: number | null;
}

export function parseContentRange(header: string | undefined): ContentRange | null {
  if (header === undefined) return null;
  const satisfied = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(header.trim());
  if (satisfied) {
    const first = Number(satisfied[1]);
    const last = Number(satisfied[2]);
    const total = satisfied[3] === '*' ? null : Number(satisfied[3]);
    if (last < first || (total !== null && last >= total)) return null;
    return { first, last, total };
  }
  const unsatisfied = /^bytes\s+\*\/(\d+)$/i.exec(header.trim());
  if (unsatisfied) return { first: null, last: null, total: Number(unsatisfied[1]) };
  return null;
}
