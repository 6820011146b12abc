import * as z from 'zod';
import { MAX_HEADER_VALUE, REQUEST_HEADER_NAMES, type RequestHeaderName, type RequestHeaders } from './header-names.js';

export { MAX_HEADER_VALUE, ORIGIN_BOUND_HEADERS, REQUEST_HEADER_NAMES, type RequestHeaderName, type RequestHeaders } from './header-names.js';

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
