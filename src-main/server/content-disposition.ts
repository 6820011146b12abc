/** RFC 5987 attr-char is narrower than what encodeURIComponent leaves alone. */
const encodeExtValue = (value: string) =>
  encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `Content-Disposition: attachment` naming the file (RFC 6266): `filename*` in UTF-8 for every
 * browser since 2011, and a plain-ASCII `filename` for the rest, with anything a quoted string
 * or an old parser could misread replaced by `_`.
 */
export function attachment(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}
