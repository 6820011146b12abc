import { formatBytes } from '../contract/format.js';
import { type DownloadError, transientError } from './download-error.js';

/** Less than this in a whole stall window counts as a stall: a 1 byte/s drip is not a download. */
const LOW_SPEED_BYTES = 1024;

/**
 * Aborts an attempt when no byte (nor the response headers) has arrived for the stall timeout,
 * or when less than LOW_SPEED_BYTES arrived in a whole window of it. It checks timestamps rather
 * than re-arming a timer per chunk, which would cost more than the write at gigabit rates. Time
 * spent waiting on our own speed limit does not count: while we do not read, nothing arrives.
 */
export function stallWatchdog(timeoutMs: number, now: () => number, abort: (error: DownloadError) => void) {
  const seconds = Math.round(timeoutMs / 1000);
  let lastActivity = now();
  let windowStart = lastActivity;
  let windowBytes = 0;
  // Connections waiting on our speed limit, and since when the first of them has been waiting.
  let throttled = 0;
  let throttledSince = 0;
  const timer = setInterval(
    () => {
      if (throttled > 0) return;
      const at = now();
      if (at - lastActivity >= timeoutMs) {
        abort(transientError('STALLED', `No data received for ${seconds} s`));
      } else if (at - windowStart >= timeoutMs) {
        if (windowBytes < LOW_SPEED_BYTES) {
          abort(transientError('STALLED', `Less than ${formatBytes(LOW_SPEED_BYTES)} received in ${seconds} s`));
        }
        windowStart = at;
        windowBytes = 0;
      }
    },
    Math.max(25, Math.min(1000, timeoutMs / 4)),
  );
  return {
    /** Something arrived: `bytes` of body, or none for the response headers. */
    touch: (bytes = 0) => {
      lastActivity = now();
      if (bytes > 0) {
        windowBytes += bytes;
      } else {
        // A response just began: its speed is judged from here.
        windowStart = lastActivity;
        windowBytes = 0;
      }
    },
    /**
     * Runs our own speed limit's wait with the clocks stopped. Connections wait on a shared limit
     * at the same time, so the clocks move by the time any of them waited, counted once.
     */
    async excuse(wait: () => Promise<void>): Promise<void> {
      if (throttled === 0) throttledSince = now();
      throttled += 1;
      try {
        await wait();
      } finally {
        throttled -= 1;
        if (throttled === 0) {
          const at = now();
          lastActivity = Math.min(at, lastActivity + (at - throttledSince));
          windowStart = Math.min(at, windowStart + (at - throttledSince));
        }
      }
    },
    stop: () => clearInterval(timer),
  };
}


/** One connection of a split download, as the connection watch sees it. */
export interface WatchedConnection {
  lastByteAt: number;
  windowStart: number;
  windowBytes: number;
  /** Waiting on our own speed limit: silence then is ours, not the server's. */
  throttled: boolean;
  /** Ends this connection alone; it reconnects like after any transient error. */
  cut(error: DownloadError): void;
}

export function noteBytes(connection: WatchedConnection, bytes: number, at: number): void {
  connection.lastByteAt = at;
  connection.windowBytes += bytes;
}

/**
 * The stall rule of stallWatchdog, per connection: while other connections move, the download's
 * watchdog sees bytes, so a connection gone silent (or down to a drip) would hold its range until
 * the others are done. Cutting it lets it reconnect, or its range go to a faster connection.
 */
export function watchConnections(connections: () => Iterable<WatchedConnection>, timeoutMs: number, now: () => number): () => void {
  const seconds = Math.round(timeoutMs / 1000);
  const timer = setInterval(
    () => {
      const at = now();
      for (const connection of connections()) {
        if (connection.throttled) {
          connection.lastByteAt = at;
          connection.windowStart = at;
          connection.windowBytes = 0;
        } else if (at - connection.lastByteAt >= timeoutMs) {
          connection.cut(transientError('STALLED', `No data on one connection for ${seconds} s`));
        } else if (at - connection.windowStart >= timeoutMs) {
          if (connection.windowBytes < LOW_SPEED_BYTES) {
            connection.cut(transientError('STALLED', `Less than ${formatBytes(LOW_SPEED_BYTES)} on one connection in ${seconds} s`));
          }
          connection.windowStart = at;
          connection.windowBytes = 0;
        }
      }
    },
    Math.max(25, Math.min(1000, timeoutMs / 4)),
  );
  return () => clearInterval(timer);
}
