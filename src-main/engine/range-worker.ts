import type { Readable } from 'node:stream';
import type { DownloadError } from './download-error.js';
import type { Segment } from './segments.js';
import type { SequentialWriter } from './sequential-writer.js';
import type { WatchedConnection } from './stall-watchdog.js';
import type { Fetching } from './work-stealing.js';

/** One connection of a transfer reading one response into its range (ARCHITECTURE.md §5). */
export interface Worker extends WatchedConnection {
  segment: Segment;
  writer: SequentialWriter;
  /** When its response began, and the bytes it has brought since: its speed. */
  startedAt: number;
  bytes: number;
  /** Since when it has waited for the server's next chunk, or null while it handles the last one. */
  waitingSince: number | null;
  /** Why the connection watch cut its response, if it did: transports wrap the error they are destroyed with. */
  cutFor: DownloadError | null;
  /** Its rest went to another connection (work stealing): it ends where it is, without error. */
  handedOver: boolean;
  handOver(): void;
}

export function newWorker(segment: Segment, body: Readable, writer: SequentialWriter, at: number): Worker {
  const worker: Worker = {
    segment,
    writer,
    lastByteAt: at,
    startedAt: at,
    bytes: 0,
    waitingSince: at,
    cutFor: null,
    handedOver: false,
    windowStart: at,
    windowBytes: 0,
    throttled: false,
    cut: (error) => {
      worker.cutFor = error;
      body.destroy(error);
    },
    handOver: () => {
      worker.handedOver = true;
      body.destroy();
    },
  };
  return worker;
}

/** The body's chunks, noting when the connection waits on the server; a handed-over one just ends. */
export async function* receive(body: Readable, worker: Worker): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      worker.waitingSince = null;
      yield chunk;
    }
  } catch (error) {
    if (!worker.handedOver) throw error;
  }
}

/** The worker as work stealing judges it, at time `at`. */
export function asFetching(worker: Worker, at: number): Fetching & { worker: Worker } {
  return {
    worker,
    segment: worker.segment,
    position: worker.writer.position,
    speed: (worker.bytes / Math.max(at - worker.startedAt, 1)) * 1000,
    age: at - worker.startedAt,
    silentMs: worker.waitingSince === null ? 0 : at - worker.waitingSince,
  };
}
