import { DownloadError } from './download-error.js';

/**
 * A connection's own retries, while other connections keep the attempt going: short waits, so a
 * dropped connection rejoins fast. When every connection has used them up in a row, the attempt
 * fails (ARCHITECTURE.md §5 "Connections and attempts").
 */
export const CONNECTION_RETRY_MS = [500, 1000, 2000] as const;

const TOO_MANY = new Set(['SERVER_ERROR', 'RATE_LIMITED', 'CONNECTION_REFUSED', 'CONNECTION_RESET']);

/** A refusal that, on an extra connection while another one transfers, means "too many connections". */
export const turnedAway = (error: DownloadError): boolean => TOO_MANY.has(error.code);

const reworded = (error: DownloadError, why: string): DownloadError =>
  new DownloadError(error.code, `${error.message} (${why})`, { transient: error.transient, retryAfterMs: error.retryAfterMs, cause: error });

/** The last working connection ran out of retries: the attempt fails, and says why. */
export const everyConnectionFailed = (error: DownloadError): DownloadError =>
  reworded(error, `every connection failed ${CONNECTION_RETRY_MS.length + 1} times in a row`);

/** One connection's error that ends the attempt for all of them (a permanent one), saying so. */
export const endsAllConnections = (error: DownloadError, connections: number): DownloadError =>
  reworded(error, `on one of ${connections} connections, which ends the attempt for all`);
