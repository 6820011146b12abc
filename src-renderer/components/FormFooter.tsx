import { useI18n } from '../i18n/use-i18n.js';

/** The end of every dialog form: what went wrong (inline, announced), then Close and the action. */
export function FormFooter({
  errors,
  submitLabel,
  onClose,
  busy = false,
}: {
  errors: readonly string[];
  submitLabel: string;
  onClose: () => void;
  busy?: boolean;
}) {
  const { t } = useI18n();
  return (
    <>
      {errors.length > 0 && (
        <div role="alert" className="form__errors">
          {errors.map((error) => (
            <p key={error}>{error}</p>
          ))}
        </div>
      )}
      <div className="form__buttons">
        <button type="button" onClick={onClose}>
          {t('dialog.close')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}
