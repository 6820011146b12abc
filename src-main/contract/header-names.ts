/**
 * Kept apart from request-headers.ts, without zod, so the page and the list parser can use them.
 *
 * The request headers a download may carry (sign-ins, and what file hosts check before they
 * serve a file). A closed list: anything else could steer the transfer itself (Range, Host,
 * Accept-Encoding), which the engine owns (ARCHITECTURE.md §4).
 */
export const REQUEST_HEADER_NAMES = ['Cookie', 'Authorization', 'Referer', 'User-Agent'] as const;
export type RequestHeaderName = (typeof REQUEST_HEADER_NAMES)[number];
export type RequestHeaders = Partial<Record<RequestHeaderName, string>>;

/**
 * The headers that are a sign-in or say where the user came from: they belong to the download's
 * origin, and no other server receives them (a redirect, a changed link). User-Agent is no
 * secret and file hosts check it, so it goes along, as curl's does.
 */
export const ORIGIN_BOUND_HEADERS: readonly RequestHeaderName[] = ['Cookie', 'Authorization', 'Referer'];

export const MAX_HEADER_VALUE = 8192;
