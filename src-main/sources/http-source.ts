import type { LookupFunction } from 'node:net';
import got, { type BeforeRedirectHook, type Request } from 'got';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { pipeline, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { RequestHeaders } from '../contract/request-headers.js';
import type { ByteSource, OpenRequest, OpenResult, Validator } from '../engine/byte-source.js';
import { classifyHttpStatus, classifyNetworkError, insecureRedirectError } from '../engine/classify-error.js';
import { proxyConnectionError, proxyStatusError } from '../engine/classify-proxy-error.js';
import { parseContentRange } from '../engine/content-range.js';
import { DownloadError, permanentError, transientError } from '../engine/download-error.js';
import { filenameFromContentDisposition, filenameFromUrl } from '../engine/file-names.js';
import type { NetworkRoute } from './network-route.js';
import { expansionGuard } from './expansion-guard.js';
import { dropHeadersOffOrigin, requestHeaderFields } from './redirect-headers.js';

export interface HttpSourceOptions {
  /** DNS hook: tests inject failures here instead of making real DNS queries. */
  lookup?: LookupFunction;
  now?: () => number;
  /** Follow https:// → http:// redirects (the `allow_insecure_redirects` setting); refused otherwise. */
  allowInsecureRedirects?: boolean;
  /** Proxy agents and trusted certificates per URL (see createSourceFactory); absent: direct, Node's roots. */
  routes?: RouteFinder;
  /** The download's own headers (sign-ins), sent on each request; dropped off its origin (redirect-headers.ts). */
  headers?: RequestHeaders;
}

/** How each request (and each redirect's hop) reaches its server. */
export interface RouteFinder {
  routeFor(url: string): Promise<NetworkRoute>;
  /** The route's proxy could not be reached; the next `routeFor` takes the system's next entry. */
  unreachable(route: NetworkRoute): void;
}

const DIRECT: NetworkRoute = { proxy: null, fallback: false };

interface Opened {
  request: Request;
  response: IncomingMessage & { url?: string };
  route: NetworkRoute;
  /** The proxy answered CONNECT with something other than 200: the response is the proxy's. */
  tunnelRefused: boolean;
}

/** Where a redirect leads, if it is from https:// down to http://. */
function downgradeOf(from: string | undefined, location: string | undefined): URL | null {
  if (from === undefined || location === undefined) return null;
  try {
    const to = new URL(location, from);
    return new URL(from).protocol === 'https:' && to.protocol === 'http:' ? to : null;
  } catch {
    // An unreadable Location is got's to report.
    return null;
  }
}

const MAX_REDIRECTS = 10;

/** Only a strong ETag proves two responses carry the same bytes (RFC 9110 §8.8.3). */
const strongEtag = (headers: IncomingHttpHeaders): string | null => {
  const etag = headers.etag;
  return etag && !etag.startsWith('W/') ? etag : null;
};

const validatorOf = (headers: IncomingHttpHeaders): Validator => ({
  etag: strongEtag(headers),
  lastModified: headers['last-modified'] ?? null,
});

const contentLength = (headers: IncomingHttpHeaders): number | null => {
  const value = headers['content-length'];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
};

/** The media type alone (`text/html; charset=utf-8` → `text/html`): resume-rules.ts tells a web page by it. */
const mediaType = (headers: IncomingHttpHeaders): string | null => headers['content-type']?.split(';')[0]?.trim().toLowerCase() || null;

const contentEncoding = (headers: IncomingHttpHeaders): string => {
  const value = (headers['content-encoding'] ?? '').trim().toLowerCase();
  return value === '' ? 'identity' : value;
};

/** Real codings Node 20 cannot decode: keeping their bytes would save something else than the file. */
const UNDECODABLE = new Set(['compress', 'x-compress', 'zstd']);

/**
 * How to turn a body the server encoded (although we asked for identity) back into the file:
 * null keeps the bytes as sent. A `.gz` file sent as `Content-Encoding: gzip` is a gzip file
 * described badly (the classic server misconfiguration), so it stays compressed, as browsers do.
 * Values that name no coding ("none", "binary", "utf-8" are all seen) mean identity, as browsers
 * take them.
 */
function decoderFor(encoding: string, filename: string | null): (() => Transform) | null | 'unsupported' {
  if (encoding === 'gzip' || encoding === 'x-gzip') return /\.(gz|tgz|gzip)$/i.test(filename ?? '') ? null : createGunzip;
  if (encoding === 'deflate') return createInflate;
  if (encoding === 'br') return createBrotliDecompress;
  return UNDECODABLE.has(encoding) ? 'unsupported' : null;
}

/**
 * HTTP(S) via got's stream API. It reports what each response says (ARCHITECTURE.md §4); whether
 * that continues the partial is resume-rules.ts's call. got never retries and never decompresses:
 * our policy owns retries and the partial must hold the raw bytes.
 */
export class HttpSource implements ByteSource {
  readonly displayHost: string;

  constructor(
    private readonly url: string,
    private readonly options: HttpSourceOptions = {},
  ) {
    this.displayHost = new URL(url).host;
  }

  async open(request: OpenRequest): Promise<OpenResult> {
    const ranged = request.offset > 0 || request.end !== undefined || request.asRange === true;
    const headers: Record<string, string> = {};
    if (ranged) {
      headers.range = `bytes=${request.offset}-${request.end === undefined ? '' : String(request.end - 1)}`;
      const ifRange = request.validator.etag ?? request.validator.lastModified;
      if (ifRange !== null) headers['if-range'] = ifRange;
    }
    const opened = await this.send(headers, request.signal);
    const { statusCode, headers: answer } = opened.response;
    if (statusCode === 200) return this.whole(opened);
    if (ranged && statusCode === 206) {
      const range = parseContentRange(answer['content-range']);
      const suggestedName = this.suggestedName(opened);
      return {
        kind: 'partial',
        first: range?.first ?? null,
        total: range?.total ?? null,
        validator: validatorOf(answer),
        suggestedName,
        contentType: mediaType(answer),
        // Offsets into an encoded body are not offsets into the file: such a range is unusable.
        encoded: decoderFor(contentEncoding(answer), suggestedName) !== null,
        body: opened.request,
      };
    }
    if (ranged && statusCode === 416) {
      opened.request.destroy();
      return { kind: 'unsatisfiable', total: parseContentRange(answer['content-range'])?.total ?? null };
    }
    throw this.failure(opened);
  }

  private suggestedName(opened: Opened): string | null {
    const disposition = opened.response.headers['content-disposition'];
    return filenameFromContentDisposition(disposition) ?? filenameFromUrl(opened.response.url ?? this.url);
  }

  private whole(opened: Opened): OpenResult {
    const { headers } = opened.response;
    const suggestedName = this.suggestedName(opened);
    const result = {
      kind: 'whole',
      total: contentLength(headers),
      validator: validatorOf(headers),
      suggestedName,
      contentType: mediaType(headers),
      acceptsRanges: headers['accept-ranges'] === 'bytes',
      decoded: false,
      body: opened.request,
    } as const;
    const encoding = contentEncoding(headers);
    const decoder = decoderFor(encoding, suggestedName);
    if (decoder === null) return result;
    if (decoder === 'unsupported') {
      opened.request.destroy();
      throw permanentError('BAD_RESPONSE', `${this.displayHost} sent the file encoded as '${encoding}', which Steadfast cannot decode`);
    }
    // The decoded size is unknown and offsets into it mean nothing to the server: no size and no ranges.
    const { counter, guard } = expansionGuard(this.displayHost);
    const decoded = pipeline(opened.request, counter, decoder(), guard, () => undefined);
    return { ...result, total: null, acceptsRanges: false, decoded: true, body: decoded };
  }

  private failure(opened: Opened): Error {
    opened.request.destroy();
    const { statusCode = 0, headers } = opened.response;
    if (statusCode === 206 || (statusCode >= 200 && statusCode < 300)) {
      return transientError('BAD_RESPONSE', `Unexpected HTTP ${statusCode} from ${this.displayHost}`);
    }
    const { proxy } = opened.route;
    const fromProxy = proxy === null ? null : proxyStatusError(statusCode, proxy, this.displayHost, opened.tunnelRefused);
    return fromProxy ?? classifyHttpStatus(statusCode, headers['retry-after'], (this.options.now ?? Date.now)());
  }

  /**
   * The request, through the proxy the system names; when that proxy cannot be reached and the
   * system lists another way (a PAC answer's next entry), through that one (ARCHITECTURE.md §8).
   */
  private async send(headers: Record<string, string>, signal: AbortSignal): Promise<Opened> {
    const { routes } = this.options;
    for (;;) {
      // The route of the hop the request is on: a redirect moves it on.
      const hop = { route: routes ? await routes.routeFor(this.url) : DIRECT };
      try {
        return await this.sendVia(hop, headers, signal);
      } catch (error) {
        const passOver = routes !== undefined && !signal.aborted && hop.route.fallback && error instanceof DownloadError && error.code === 'PROXY_UNREACHABLE';
        if (!passOver) throw error;
        routes.unreachable(hop.route);
      }
    }
  }

  private async sendVia(hop: { route: NetworkRoute }, headers: Record<string, string>, signal: AbortSignal): Promise<Opened> {
    const { lookup, allowInsecureRedirects = false, routes } = this.options;
    // Each hop of a redirect takes its own URL's route: NO_PROXY and PAC judge where it leads.
    const reroute: BeforeRedirectHook = async (options) => {
      if (routes === undefined || options.url === undefined) return;
      const route = await routes.routeFor(options.url.toString());
      hop.route = route;
      options.agent = route.agents ?? { http: undefined, https: undefined, http2: undefined };
      options.https = route.certificateAuthority ? { certificateAuthority: route.certificateAuthority } : {};
    };
    const { agents, certificateAuthority } = hop.route;
    // Set when a hop from https:// to http:// is not followed: got then hands over the redirect
    // response itself, which is refused below before any byte of it is read.
    let downgrade: URL | null = null;
    const request = got.stream(this.url, {
      headers: { ...requestHeaderFields(this.options.headers ?? {}), 'accept-encoding': 'identity', ...headers },
      hooks: { beforeRedirect: [dropHeadersOffOrigin(this.url), reroute] },
      decompress: false,
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: (response) => {
        if (allowInsecureRedirects) return true;
        downgrade = downgradeOf(response.url, response.headers.location);
        return downgrade === null;
      },
      maxRedirects: MAX_REDIRECTS,
      signal,
      ...(lookup ? { dnsLookup: lookup } : {}),
      ...(certificateAuthority ? { https: { certificateAuthority } } : {}),
      ...(agents ? { agent: agents } : {}),
    });
    let tunnelRefused = false;
    // Each hop is a request of its own; the last one's tunnel is the one that answered.
    request.on('request', (clientRequest: ClientRequest) =>
      // A tunnel's answer has a status; a plain http:// request's proxy connection has none.
      clientRequest.once('proxyConnect', (answer: { statusCode?: unknown }) => {
        tunnelRefused = typeof answer.statusCode === 'number' && answer.statusCode !== 200;
      }),
    );
    return new Promise<Opened>((resolve, reject) => {
      const onError = (error: unknown): void => {
        request.off('response', onResponse);
        if (signal.aborted) return reject(error);
        // A hop's route could not be found (the system's lookup failed): that error says why.
        const cause = (error as { cause?: unknown }).cause;
        if (cause instanceof DownloadError) return reject(cause);
        const { proxy } = hop.route;
        reject((proxy === null ? null : proxyConnectionError(error, proxy, this.displayHost)) ?? classifyNetworkError(error, this.displayHost));
      };
      const onResponse = (response: IncomingMessage & { url?: string }): void => {
        request.off('error', onError);
        // Until the task starts reading, an error must not crash the process; the stream keeps
        // it (`errored`) and the task's read loop rethrows it.
        request.on('error', () => undefined);
        if (downgrade !== null) {
          request.destroy();
          reject(insecureRedirectError(new URL(response.url ?? this.url).host, downgrade));
          return;
        }
        resolve({ request, response, route: hop.route, tunnelRefused });
      };
      request.once('error', onError);
      request.once('response', onResponse);
    });
  }
}
