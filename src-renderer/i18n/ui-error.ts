import { ApiRequestError } from '../../src-main/contract/api-error.js';
import type { ApiErrorCode } from '../../src-main/contract/error-codes.js';
import { errorLine } from './engine-error.js';
import type { en } from './en.js';
import { type I18n, i18nFor, type MessageId } from './translate.js';

type PlainId = { [K in MessageId]: (typeof en)[K] extends string ? K : never }[MessageId];

/**
 * A refusal the page itself words (the engine out of reach, an HTTP status without a body): it
 * keeps its message id so it is shown in the window's language. The engine's own refusals are
 * English data with a code: errorText words them by the code (ARCHITECTURE.md §7 "Languages").
 */
export class UiError extends ApiRequestError {
  constructor(
    code: ApiErrorCode,
    readonly id: PlainId,
    readonly values: Readonly<Record<string, string | number>> = {},
  ) {
    super(code, i18nFor('en').parts(id, values as never).join(''));
  }
}

/** What a failed action says to the user. */
export function errorText(error: unknown, i18n: I18n): string {
  if (error instanceof UiError) return i18n.parts(error.id, error.values as never).join('');
  if (error instanceof ApiRequestError) return errorLine(error.code, error.message, i18n, 'refusal');
  return error instanceof Error ? error.message : String(error);
}
