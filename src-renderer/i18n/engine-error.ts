import { API_ERROR_CODES, ERROR_CODES } from '../../src-main/contract/error-codes.js';
import { NOTICE_CODES, STOP_CODES } from '../../src-main/contract/notice-codes.js';
import type { CodeMessages } from './en.js';
import type { I18n } from './translate.js';

/**
 * Whose code it is: a download's failure (ERROR_CODES), a refused call's (API_ERROR_CODES), a
 * download's notice (NOTICE_CODES) or why an attempt stopped without an error (STOP_CODES).
 */
export type CodeKind = 'download' | 'refusal' | 'notice' | 'stop';

const KINDS: Record<CodeKind, { codes: ReadonlySet<string>; prefix: string }> = {
  download: { codes: new Set(ERROR_CODES), prefix: 'errorCode' },
  refusal: { codes: new Set(API_ERROR_CODES), prefix: 'apiError' },
  notice: { codes: new Set(NOTICE_CODES), prefix: 'noticeCode' },
  stop: { codes: new Set(STOP_CODES), prefix: 'stopCode' },
};

/** Something the engine said in English, as the window says it. */
export interface ErrorWords {
  text: string;
  /** The engine's own English message when `text` is the translated sentence for its code, else null. */
  detail: string | null;
}

/** The catalog's sentence for a code; null for a code this page does not know (a newer engine's). */
function sentenceFor(code: string, kind: CodeKind, { t }: I18n): string | null {
  const { codes, prefix } = KINDS[kind];
  // Known to the set, so the id is one CodeMessages requires of every catalog.
  return codes.has(code) ? t(`${prefix}.${code}` as keyof CodeMessages) : null;
}

/**
 * English shows the engine's message, which names hosts, statuses and paths; another language
 * shows its sentence for the code with that message kept as the detail. No code (a row recorded
 * before codes), or one the page does not know, leaves the message as it is (ARCHITECTURE.md §7
 * "Languages").
 */
export function errorWords(code: string | null, message: string, i18n: I18n, kind: CodeKind = 'download'): ErrorWords {
  const sentence = i18n.locale === 'en' || code === null ? null : sentenceFor(code, kind, i18n);
  return sentence === null ? { text: message, detail: null } : { text: sentence, detail: message };
}

/** The words as one string, detail included: for a title, an aria-label, a notice or a line of the story. */
export function errorLine(code: string | null, message: string, i18n: I18n, kind: CodeKind = 'download'): string {
  const { text, detail } = errorWords(code, message, i18n, kind);
  return detail === null ? text : i18n.t('error.withDetail', { error: text, message: detail });
}
