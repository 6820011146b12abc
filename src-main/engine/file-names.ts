/**
 * How a download's file name is chosen, following what Chrome does.
 *
 * A file name comes from the server (Content-Disposition) or from the URL, so
 * an attacker picks it. Whatever it says, the file must land inside the
 * download folder under a name that every OS accepts as one plain file: no
 * path separators, no `..`, no device names, no characters Windows refuses,
 * and not so long that the file system rejects it once `" (n)"` or the
 * partial-file suffix is added.
 *
 * Pure: no file-system access. The caller decides what "taken" means.
 */
import { posix, resolve, win32 } from 'node:path';
import type { PlatformPath } from 'node:path';

/**
 * ext4, APFS and NTFS cap a name at 255 bytes or UTF-16 units. Chrome keeps
 * well under that so `" (9999)"` and a temporary suffix still fit.
 */
const MAX_NAME_BYTES = 200;
const MAX_UNIQUE_TRIES = 10_000;

/**
 * The suffix of a download's temporary file. No name handed out ends with it, so no download's
 * file can be mistaken for another's partial (ARCHITECTURE.md §4 "File names").
 */
export const PARTIAL_SUFFIX = '.partial';
const ENDS_WITH_PARTIAL = /\.partial$/i;

/**
 * Windows strips trailing dots and spaces, so `"nul. "` opens the device too. CONIN$, CONOUT$ and
 * CLOCK$ are devices as well, though older lists leave them out.
 */
const WINDOWS_DEVICE = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)\s*(?:\.|$)/i;
/** Characters Windows refuses in a name (`:` would also open an NTFS alternate data stream). */
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
/** C0 and C1 controls: NUL truncates names in C APIs, the rest can hide characters in UIs and logs. */
const CONTROL = /\p{Cc}/gu;
/**
 * Bidirectional controls and invisible characters (Unicode's format category): U+202E can make
 * "invoice\u202Efdp.exe" display as "invoiceexe.pdf", and zero-width characters make two names
 * that look the same differ.
 */
const INVISIBLE = /\p{Cf}/gu;
/** Leading dots make hidden files or `..`; trailing dots and spaces are silently dropped by Windows. */
const EDGE_DOTS_AND_SPACES = /^[\s.]+|[\s.]+$/g;
/** macOS and Linux store names as UTF-8, which cannot hold half a surrogate pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// ignoreBOM keeps a leading U+FEFF as a character instead of silently eating it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** The decoded first UTF-8 sequence of `bytes` and its length, or null if it is malformed. */
function firstCodePoint(bytes: Uint8Array): [string, number] | null {
  // A fatal decoder rejects a truncated sequence, so the shortest prefix that decodes is exactly one sequence.
  for (let length = 1; length <= Math.min(4, bytes.length); length++) {
    const text = decodeUtf8(bytes.subarray(0, length));
    if (text !== null) return [text, length];
  }
  return null;
}

/** Decodes a run of `%XX` escapes as UTF-8; bytes that are not valid UTF-8 stay as their literal escapes, as Chrome shows them. */
function decodeEscapeRun(run: string): string {
  const bytes = Uint8Array.from(run.slice(1).split('%'), (hex) => parseInt(hex, 16));
  let decoded = '';
  for (let i = 0; i < bytes.length; ) {
    const [text, used] = firstCodePoint(bytes.subarray(i)) ?? [run.slice(3 * i, 3 * i + 3), 1];
    decoded += text;
    i += used;
  }
  return decoded;
}

export function filenameFromUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // Other schemes have no file path: a data: URL's "path" is its payload.
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const segment = parsed.pathname.split('/').filter((part) => part !== '').pop();
  return segment === undefined ? null : segment.replace(/(?:%[0-9a-f]{2})+/gi, decodeEscapeRun);
}

/** The unescaped content of the quoted string opening at `start`, or null if it never closes, and the index after it. */
function readQuotedString(header: string, start: number): [string | null, number] {
  let text = '';
  for (let i = start + 1; i < header.length; i++) {
    if (header[i] === '"') return [text, i + 1];
    if (header[i] === '\\' && i + 1 < header.length) i++;
    text += header.charAt(i);
  }
  return [null, header.length];
}

/**
 * Splits `type; name=value; name="quoted"` into lower-cased parameter names and
 * values. A missing disposition type is tolerated, as Chrome does. The first
 * occurrence of a parameter wins, so a duplicate appended later cannot
 * override it.
 */
function parseDispositionParams(header: string): Map<string, string> {
  const params = new Map<string, string>();
  let i = 0;
  while (i < header.length) {
    const eq = header.indexOf('=', i);
    if (eq === -1) break;
    const semicolon = header.indexOf(';', i);
    if (semicolon !== -1 && semicolon < eq) {
      // The disposition type, or a parameter without a value.
      i = semicolon + 1;
      continue;
    }
    const name = header.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (header[i] === ' ' || header[i] === '\t') i++;
    let value: string | null;
    if (header[i] === '"') {
      // An unterminated quoted string is malformed (RFC 6266), so its parameter is dropped.
      [value, i] = readQuotedString(header, i);
    } else {
      const end = header.indexOf(';', i);
      value = header.slice(i, end === -1 ? header.length : end).trim();
    }
    const next = header.indexOf(';', i);
    i = next === -1 ? header.length : next + 1;
    if (value !== null && !params.has(name)) params.set(name, value);
  }
  return params;
}

/** RFC 5987 `charset'language'percent-encoded`; null when malformed, so `filename=` is used instead. */
function decodeExtValue(value: string): string | null {
  const match = /^([^']*)'[^']*'((?:[\x21-\x24\x26-\x7e]|%[0-9a-f]{2})*)$/i.exec(value);
  if (!match) return null;
  const [, charset = '', encoded = ''] = match;
  const bytes = Uint8Array.from(encoded.match(/%..|./g) ?? [], (unit) =>
    unit.length === 3 ? parseInt(unit.slice(1), 16) : unit.charCodeAt(0),
  );
  switch (charset.toLowerCase()) {
    case 'utf-8':
      return decodeUtf8(bytes);
    case 'iso-8859-1':
      return String.fromCharCode(...bytes);
    default:
      return null;
  }
}

/**
 * Node hands header values over as Latin-1, one character per byte, but
 * servers often put raw UTF-8 in `filename="…"`. Browsers decode such bytes as
 * UTF-8 when they are valid UTF-8, and keep them as Latin-1 otherwise.
 */
function rawUtf8FromLatin1(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[\u0100-\uffff]/.test(value)) return value;
  return decodeUtf8(Uint8Array.from(value, (char) => char.charCodeAt(0))) ?? value;
}

export function filenameFromContentDisposition(header: string | undefined | null): string | null {
  if (!header) return null;
  const params = parseDispositionParams(header);
  // RFC 6266 section 4.3: filename* is preferred; a broken one falls back to filename.
  const extended = params.get('filename*');
  const fromExtended = extended === undefined ? null : decodeExtValue(extended);
  if (fromExtended) return fromExtended;
  const plain = params.get('filename');
  return plain ? rawUtf8FromLatin1(plain) : null;
}

function utf8Length(codePoint: string): number {
  if (codePoint.length === 2) return 4;
  const unit = codePoint.charCodeAt(0);
  return unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
}

function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const codePoint of text) bytes += utf8Length(codePoint);
  return bytes;
}

/** Iterating by code point keeps surrogate pairs and multi-byte characters whole. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let kept = '';
  for (const codePoint of text) {
    bytes += utf8Length(codePoint);
    if (bytes > maxBytes) break;
    kept += codePoint;
  }
  return kept;
}

/** Cuts the stem rather than the end, as Chrome does, so the extension (and thus the file type) survives. */
function fitToLimit(name: string): string {
  if (utf8ByteLength(name) <= MAX_NAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return truncateUtf8(name, MAX_NAME_BYTES);
  const extension = name.slice(dot);
  const stem = truncateUtf8(name.slice(0, dot), MAX_NAME_BYTES - utf8ByteLength(extension));
  // An extension too long to leave room for any stem is not worth keeping.
  return stem === '' ? truncateUtf8(name, MAX_NAME_BYTES) : stem + extension;
}

export function sanitizeFilename(name: string, fallback = 'download'): string {
  // Both separators on every host: a name that is harmless on Linux may be copied to Windows.
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const cleaned = base
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(WINDOWS_FORBIDDEN, '_')
    .replace(EDGE_DOTS_AND_SPACES, '');
  // Truncating may leave a trailing dot or space, or expose a device name, so those checks come after it.
  const fitted = fitToLimit(cleaned).replace(EDGE_DOTS_AND_SPACES, '');
  const device = WINDOWS_DEVICE.test(fitted) ? fitToLimit(`_${fitted}`) : fitted;
  // "X.pdf.partial" would be the temporary file of a download named "X.pdf".
  const safe = ENDS_WITH_PARTIAL.test(device) ? device.replace(ENDS_WITH_PARTIAL, (suffix) => `_${suffix.slice(1)}`) : device;
  return safe === '' ? sanitizeFilename(fallback) : safe;
}

/**
 * The first of `name`, "name (1)", "name (2)"… that `isTaken` says is free. Async, so the file
 * system can be asked without blocking the engine.
 */
export async function uniqueFilename(name: string, isTaken: (candidate: string) => boolean | Promise<boolean>): Promise<string> {
  // Like browsers, only the last extension is kept apart: "archive.tar (1).gz". A leading dot is not an extension.
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  for (let n = 0; n < MAX_UNIQUE_TRIES; n++) {
    const candidate = n === 0 ? name : `${stem} (${String(n)})${extension}`;
    if (!(await isTaken(candidate))) return candidate;
  }
  throw new Error(`No free file name for ${JSON.stringify(name)} after ${String(MAX_UNIQUE_TRIES)} tries`);
}

function escapes(flavour: PlatformPath, root: string, name: string): boolean {
  const relative = flavour.relative(root, flavour.resolve(root, name));
  return relative === '' || relative === '..' || relative.startsWith(`..${flavour.sep}`) || flavour.isAbsolute(relative);
}

export function pathInside(dir: string, name: string): string {
  const root = resolve(dir);
  // Checked under both Windows and POSIX rules so the verdict does not depend on the host: "..\\x" and "C:x" escape on Windows.
  if (escapes(posix, root, name) || escapes(win32, root, name)) {
    throw new Error(`Refusing to write outside the download folder: ${JSON.stringify(name)}`);
  }
  return resolve(root, name);
}
