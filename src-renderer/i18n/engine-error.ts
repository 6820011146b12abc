import { API_ERROR_CODES, type ApiErrorCode, ERROR_CODES, type ErrorCode } from '../../src-main/contract/error-codes.js';
import type { I18n } from './translate.js';

const DOWNLOAD_CODES: ReadonlySet<string> = new Set(ERROR_CODES);
const REFUSAL_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

/** Whose code it is: a download's failure (ERROR_CODES) or a refused call's (API_ERROR_CODES). */
export type CodeKind = 'download' | 'refusal';

/** An engine error as the window says it. */
export interface ErrorWords {
  text: string;
  /** The engine's own English message when `text` is the translated sentence for its code, else null. */
  detail: string | null;
}

/** The catalog's sentence for a code; null for a code this page does not know (a newer engine's). */
function sentenceFor(code: string, kind: CodeKind, { t }: I18n): string | null {
  if (kind === 'download') return DOWNLOAD_CODES.has(code) ? t(`errorCode.${code as ErrorCode}`) : null;
  return REFUSAL_CODES.has(code) ? t(`apiError.${code as ApiErrorCode}`) : null;
}

/**
 * English shows the engine's message, which names hosts, statuses and paths; another language
 * shows its sentence for the code with that message kept as the detail. No code, or one the
 * page does not know, leaves the message as it is (ARCHITECTURE.md §7 "Languages").
 */
export function errorWords(code: string | null, message: string, i18n: I18n, kind: CodeKind = 'download'): ErrorWords {
  const sentence = i18n.locale === 'en' || code === null ? null : sentenceFor(code, kind, i18n);
  return sentence === null ? { text: message, detail: null } : { text: sentence, detail: message };
}

/** The error as one string, detail included: for a title, an aria-label, a notice or a line of the story. */
export function errorLine(code: string | null, message: string, i18n: I18n, kind: CodeKind = 'download'): string {
  const { text, detail } = errorWords(code, message, i18n, kind);
  return detail === null ? text : i18n.t('error.withDetail', { error: text, message: detail });
}
