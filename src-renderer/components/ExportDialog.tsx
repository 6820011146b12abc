import { useState } from 'react';
import { type ExportFormat, exportList } from '../../src-main/contract/list-export.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads, visibleIds } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';

/** Hands the text to the browser (or Electron) as a file to save. */
function save(text: string, type: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The click starts the download synchronously; the address is not needed after it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Exports the list: the links one a line (to add elsewhere, or here again), or JSON with each one's state. */
export function ExportDialog() {
  const close = () => useDownloads.getState().openDialog(null);
  const { t } = useI18n();
  const [format, setFormat] = useState<ExportFormat>('links');
  const [onlyShown, setOnlyShown] = useState(false);
  const all = useDownloads((s) => s.order.length);
  const shown = useDownloads((s) => visibleIds(s).length);

  const submit = () => {
    const state = useDownloads.getState();
    const ids = onlyShown ? visibleIds(state) : state.order;
    const { text, type, extension } = exportList(
      format,
      ids.map((id) => state.byId[id]!),
    );
    save(text, type, `steadfast-downloads.${extension}`);
    close();
  };

  return (
    <Dialog title={t('export.title')} onClose={close}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <fieldset role="radiogroup" aria-label={t('export.format')} className="form__choices">
          <label>
            <input type="radio" name="format" checked={format === 'links'} onChange={() => setFormat('links')} /> {t('export.links')}
          </label>
          <label>
            <input type="radio" name="format" checked={format === 'json'} onChange={() => setFormat('json')} /> {t('export.json')}
          </label>
        </fieldset>
        <label className="form__check">
          <input type="checkbox" checked={onlyShown} onChange={(e) => setOnlyShown(e.target.checked)} /> {t('export.onlyShown', { count: shown })}
        </label>
        <p className="form__hint">
          {t('export.hint', { count: onlyShown ? shown : all })}
        </p>
        <div className="form__buttons">
          <button type="button" onClick={close}>
            {t('dialog.close')}
          </button>
          <button type="submit" className="primary" disabled={(onlyShown ? shown : all) === 0}>
            {t('export.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
