import { MIN_SPLIT, OPEN_END, type Segment } from './segments.js';

/** A range being fetched, as work stealing sees it. */
export interface Fetching {
  segment: Segment;
  /** The next byte it will write. */
  position: number;
  /** Bytes a second since its response began, and for how long (ms) that has been measured. */
  speed: number;
  age: number;
  /** How long it has been waiting for the server's next byte (0 while it is busy with the last one). */
  silentMs: number;
}

/** The smallest piece taken from a slow connection at the tail. */
export const TAIL_SPLIT = 256 * 1024;
/** How many times slower a connection must be for its small rest to be taken from it. */
const SLOWER = 4;
/** A speed measured over less than this says little. */
const MIN_AGE_MS = 500;
/**
 * A connection waiting this many times longer than a fresh request takes to answer is relieved
 * of its whole rest, and never one silent for less than SILENT_MIN_MS.
 */
export const SILENT_FACTOR = 2;
export const SILENT_MIN_MS = 10;

/**
 * Where to cut a range being fetched so that an idle connection (fetching at `thiefSpeed`) takes
 * the rest, or null. Normally half of the largest range, none under 2 × MIN_SPLIT (each range
 * costs a request and a slow start). At the tail, a smaller range is still cut when it sits on a
 * connection several times slower than the idle one, which would hold the end of the download
 * ("stuck at 99 %"): the idle connection takes the share of the rest its speed earns.
 *
 * Last, a connection that has waited on the server for twice as long as a fresh request of this
 * download takes to answer (`answerMs`, null before one has) gives up its whole rest: a
 * throttling server sends in bursts (nginx: up to 2 MiB, then a pause for it), and the last few
 * KiB of a range would otherwise wait for the next one while every other connection is done.
 * `at` is then the victim's position, and the victim is cut there (ARCHITECTURE.md §5).
 */
export function pickSteal<T extends Fetching>(fetching: Iterable<T>, thiefSpeed: number, answerMs: number | null): { victim: T; at: number } | null {
  const ranges = [...fetching].filter((f) => f.segment.end !== OPEN_END);
  const left = (f: Fetching) => f.segment.end - f.position;
  const largest = ranges.reduce<T | null>((best, f) => (best === null || left(f) > left(best) ? f : best), null);
  if (largest === null) return null;
  if (left(largest) >= 2 * MIN_SPLIT) return { victim: largest, at: largest.position + Math.floor(left(largest) / 2) };
  const slow = ranges
    .filter((f) => left(f) >= 2 * TAIL_SPLIT && f.age >= MIN_AGE_MS && f.speed * SLOWER < thiefSpeed)
    .reduce<T | null>((best, f) => (best === null || f.speed < best.speed ? f : best), null);
  if (slow !== null) {
    const kept = Math.max(TAIL_SPLIT, Math.floor((left(slow) * slow.speed) / (slow.speed + thiefSpeed)));
    return { victim: slow, at: slow.position + kept };
  }
  if (answerMs === null) return null;
  const silent = ranges
    .filter((f) => left(f) > 0 && f.silentMs >= Math.max(SILENT_FACTOR * answerMs, SILENT_MIN_MS))
    .reduce<T | null>((best, f) => (best === null || f.silentMs > best.silentMs ? f : best), null);
  return silent === null ? null : { victim: silent, at: silent.position };
}
