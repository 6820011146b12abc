import { Transform, type TransformCallback } from 'node:stream';
import { permanentError } from '../engine/download-error.js';

/** Decoded bytes allowed before the ratio is judged: small bodies may expand as they like. */
export const EXPANSION_FREE_BYTES = 64 * 1024 * 1024;
/**
 * Text compresses to a tenth or so, repetitive logs to a hundredth; a body that expands more than
 * this is a decompression bomb (zeros expand about 1000-fold under gzip, far more under brotli).
 */
export const MAX_EXPANSION = 400;

/**
 * The two ends of a decoder (ARCHITECTURE.md §4 "Bodies encoded anyway"): `counter` goes before it and
 * counts what the server sent, `guard` after it and fails the body once it has decoded more than
 * EXPANSION_FREE_BYTES and more than MAX_EXPANSION times what arrived, so a server cannot fill the
 * disk with a few kilobytes.
 */
export function expansionGuard(host: string): { counter: Transform; guard: Transform } {
  let sent = 0;
  let decoded = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      sent += chunk.length;
      done(null, chunk);
    },
  });
  const guard = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      decoded += chunk.length;
      if (decoded > EXPANSION_FREE_BYTES && decoded > MAX_EXPANSION * sent) {
        done(
          permanentError(
            'BAD_RESPONSE',
            `${host} sent a compressed body that expands more than ${MAX_EXPANSION}-fold (a decompression bomb): stopped after ${Math.round(decoded / 1024 / 1024)} MiB`,
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });
  return { counter, guard };
}
