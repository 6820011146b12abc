import { type CodeKind, errorWords } from '../i18n/engine-error.js';
import { Rich } from '../i18n/Rich.js';
import { useI18n } from '../i18n/use-i18n.js';

/**
 * What the engine said (a download's error, its notice, why an attempt stopped) in the window's
 * language. A translated sentence is followed by the engine's English message as a smaller
 * "Details: …" in the text itself, not only in a title, so screen readers and keyboard users get
 * both; `lang` lets a screen reader speak each in its language.
 */
export function EngineText({ code, message, kind = 'download' }: { code: string | null; message: string; kind?: CodeKind }) {
  const i18n = useI18n();
  const { text, detail } = errorWords(code, message, i18n, kind);
  if (detail === null) return <>{text}</>;
  return (
    <>
      <span className="error__text">{text}</span>{' '}
      <span className="error__detail">
        <Rich parts={i18n.parts('error.detail', { message: <span lang="en">{detail}</span> })} />
      </span>
    </>
  );
}
