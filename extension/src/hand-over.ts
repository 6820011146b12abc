/** What the extension knows of a download it hands to Steadfast. */
export interface HandOver {
  url: string;
  /** The name the browser chose (Firefox gives a whole path), or null to let Steadfast pick one. */
  fileName: string | null;
  referrer: string | null;
  cookies: readonly { name: string; value: string }[];
  userAgent: string;
}

/** Steadfast's `POST /api/downloads/start` body (its `add`). */
export interface AddBody {
  url: string;
  filename?: string;
  headers: Partial<Record<'Cookie' | 'Referer' | 'User-Agent', string>>;
}

export const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);

const baseName = (path: string): string => path.split(/[\\/]/).pop() ?? '';

/**
 * The add request for a download: the cookies go as its Cookie header, which Steadfast keeps in
 * its secret store and sends to that host alone (ARCHITECTURE.md §7 "Browser extension").
 */
export function addBodyFor(handOver: HandOver): AddBody {
  const headers: AddBody['headers'] = { 'User-Agent': handOver.userAgent };
  if (handOver.cookies.length > 0) headers.Cookie = handOver.cookies.map(({ name, value }) => `${name}=${value}`).join('; ');
  if (handOver.referrer !== null && isWebUrl(handOver.referrer)) headers.Referer = handOver.referrer;
  const name = handOver.fileName === null ? '' : baseName(handOver.fileName);
  return { url: handOver.url, ...(name === '' ? {} : { filename: name }), headers };
}
