/**
 * Byte ranges of one download (ARCHITECTURE.md §5 "Segments and checkpoints"). Every transfer
 * works on segments; a single connection is one segment from byte 0 to the end.
 */

/** One byte range of a file: [start, end), of which `done` bytes from start are durable. */
export interface Segment {
  start: number;
  end: number;
  done: number;
}

/** The end of a segment whose file size is not known yet: the body's own end decides. */
export const OPEN_END = Number.POSITIVE_INFINITY;

/** No range is split below this: each connection costs a request and a TCP slow start. */
export const MIN_SPLIT = 1024 * 1024;

export const remaining = (s: Segment): number => s.end - s.start - s.done;
export const isDone = (s: Segment): boolean => remaining(s) <= 0;
export const durableBytes = (segments: readonly Segment[]): number => segments.reduce((sum, s) => sum + s.done, 0);

/**
 * The ranges an attempt starts from. Ranges recorded by an earlier split attempt are used while
 * the size is known; otherwise the download is one range holding its durable offset.
 */
export function segmentsToResume(recorded: readonly Segment[], total: number | null, downloadedBytes: number): Segment[] {
  if (recorded.length > 0 && total !== null) return recorded.map((s) => ({ ...s }));
  return [{ start: 0, end: total ?? OPEN_END, done: downloadedBytes }];
}

/**
 * What a checkpoint writes to the `segments` table: the ranges of a split download, or none
 * (undefined: the table is left alone) for one range from byte 0, whose progress
 * `downloaded_bytes` alone says, so a single-connection checkpoint is one row update.
 */
export const segmentRows = (segments: readonly Segment[]): readonly Segment[] | undefined =>
  segments.length === 1 && segments[0]!.start === 0 ? undefined : segments;

/**
 * Trusts no more than the partial really holds: a partial that was deleted, truncated or
 * replaced by a shorter file must not pass for the bytes the database remembers.
 */
export function clampToFile(segments: readonly Segment[], fileSize: number): Segment[] {
  return segments.map((s) => ({ ...s, done: Math.max(0, Math.min(s.done, fileSize - s.start)) }));
}

/**
 * Where the partial's trusted bytes end: anything after it was written but never made durable
 * (a crash), and is cut before the attempt writes again.
 */
export const durableEnd = (segments: readonly Segment[]): number =>
  segments.reduce((end, s) => (s.done > 0 ? Math.max(end, s.start + s.done) : end), 0);

/**
 * Shares `connections` out over the unfinished ranges before any starts: each range gets
 * connections in proportion to what is left of it and is cut into that many equal parts (none
 * under MIN_SPLIT). Left to work stealing, connections starting together cut one range
 * geometrically (1/2, 1/4, … 1/64), and the imbalance cost a steal, with its new request, for
 * every early finisher. Mutates `all` (the cut ranges shrink, the new parts are added in order)
 * and returns the ranges to start, one per connection.
 */
export function spread(all: Segment[], connections: number): Segment[] {
  const pending = all.filter((s) => !isDone(s));
  const shares = new Map(pending.map((s) => [s, 1]));
  for (let extra = connections - pending.length; extra > 0; extra--) {
    let best: Segment | null = null;
    let bestPart = 0;
    for (const [segment, count] of shares) {
      const part = remaining(segment) / (count + 1);
      if (part >= MIN_SPLIT && part > bestPart) {
        best = segment;
        bestPart = part;
      }
    }
    if (best === null) break;
    shares.set(best, shares.get(best)! + 1);
  }
  const parts: Segment[] = [];
  for (const [segment, count] of shares) {
    parts.push(segment);
    if (count === 1) continue;
    const from = segment.start + segment.done;
    const size = Math.floor(remaining(segment) / count);
    const end = segment.end;
    segment.end = from + size;
    for (let i = 1; i < count; i++) {
      const part: Segment = { start: from + i * size, end: i === count - 1 ? end : from + (i + 1) * size, done: 0 };
      all.push(part);
      parts.push(part);
    }
  }
  all.sort((a, b) => a.start - b.start);
  return parts;
}
