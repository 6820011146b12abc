/**
 * A fast, deterministic pseudo-random buffer. Random content means a
 * misplaced or duplicated range shows up as a hash mismatch. Repeated
 * patterns could hide one. xorshift32 over a Uint32Array keeps 64 MiB far
 * below a second.
 * Note: the words are in platform byte order, which is little-endian on
 * every platform we run tests on.
 */
export function randomBytesSeeded(size: number, seed: number): Buffer {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`invalid size ${size}`);
  const words = new Uint32Array(Math.ceil(size / 4));
  // Scramble the seed, so nearby seeds (1, 2, 3…) give different streams at once,
  // and never let it be 0, where xorshift would stay at 0 forever.
  let x = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  if (x === 0) x = 0x6d2b79f5;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, size);
}
