/**
 * Which of the browser's downloads go to Steadfast: every one, those larger than a size, or those
 * of some file types. A download of unknown size is not "larger" (the browser keeps it).
 */
export type CaptureRule =
  | { kind: 'all' }
  | { kind: 'larger'; megabytes: number }
  | { kind: 'types'; extensions: readonly string[] };

export const DEFAULT_RULE: CaptureRule = { kind: 'all' };

/** What the browser knows of a download when it is about to save it. */
export interface DownloadFacts {
  /** The name the browser chose (a path on some browsers): only its extension counts. */
  fileName: string;
  /** -1 (or 0) when the server did not say. */
  totalBytes: number;
}

const MB = 1024 * 1024;

/** "ZIP, .iso  7z" → ["zip", "iso", "7z"]: lower case, no dots, no repeats. */
export function parseExtensions(typed: string): string[] {
  const names = typed
    .split(/[\s,;]+/)
    .map((name) => name.trim().replace(/^\.+/, '').toLowerCase())
    .filter((name) => /^[a-z0-9][a-z0-9._-]{0,15}$/.test(name));
  return [...new Set(names)];
}

/** The extension of a name or path, lower case: "a/b/Movie.MKV" → "mkv"; "tar.gz" ends in "gz". */
function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

export function matchesRule(rule: CaptureRule, facts: DownloadFacts): boolean {
  switch (rule.kind) {
    case 'all':
      return true;
    case 'larger':
      return facts.totalBytes > 0 && facts.totalBytes > rule.megabytes * MB;
    case 'types': {
      const extension = extensionOf(facts.fileName);
      return extension !== '' && rule.extensions.includes(extension);
    }
  }
}

/** A rule read back from storage, or the default when it is not one (never trust stored shapes). */
export function readRule(stored: unknown): CaptureRule {
  const value = stored as Partial<{ kind: unknown; megabytes: unknown; extensions: unknown }> | null;
  if (value?.kind === 'larger' && typeof value.megabytes === 'number' && value.megabytes >= 0) return { kind: 'larger', megabytes: value.megabytes };
  if (value?.kind === 'types' && Array.isArray(value.extensions)) {
    return { kind: 'types', extensions: parseExtensions(value.extensions.filter((name) => typeof name === 'string').join(' ')) };
  }
  return DEFAULT_RULE;
}
