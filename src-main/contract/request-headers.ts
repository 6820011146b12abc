import * as z from 'zod';

/**
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

const CANONICAL = new Map<string, RequestHeaderName>(REQUEST_HEADER_NAMES.map((name) => [name.toLowerCase(), name]));

/**
 * What Node's HTTP client accepts in a field value (tab, visible Latin-1): anything else would
 * fail every attempt, and CR or LF would split the request.
 */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const headerValue = z
  .string()
  .min(1, 'a header value must not be empty')
  .max(MAX_HEADER_VALUE, `a header value is at most ${MAX_HEADER_VALUE} characters`)
  .regex(FIELD_VALUE, 'a header value must not contain CR, LF, NUL or other control characters, nor characters beyond Latin-1');

/**
 * Names are matched case-insensitively, as HTTP does, and come out spelled as in the list. They
 * are checked on the raw object: zod's records skip a `__proto__` key, which must be refused, not
 * dropped.
 */
export const requestHeadersSchema = z
  .custom<Record<string, string>>(
    (headers) => typeof headers === 'object' && headers !== null && !Array.isArray(headers),
    'headers must be an object of header names and values',
  )
  .superRefine((headers, context) => {
    const seen = new Set<RequestHeaderName>();
    for (const name of Object.keys(headers)) {
      const canonical = CANONICAL.get(name.toLowerCase());
      if (canonical === undefined) {
        context.addIssue({ code: 'custom', path: [name], message: `only ${REQUEST_HEADER_NAMES.join(', ')} may be set` });
      } else if (seen.has(canonical)) {
        context.addIssue({ code: 'custom', path: [name], message: `${canonical} is given twice` });
      }
      if (canonical !== undefined) seen.add(canonical);
    }
  })
  .pipe(z.record(z.string(), headerValue))
  .transform((headers): RequestHeaders => {
    const canonical: RequestHeaders = {};
    for (const [name, value] of Object.entries(headers)) canonical[CANONICAL.get(name.toLowerCase())!] = value;
    return canonical;
  });
