import { useState } from 'react';
import { type ExportFormat, exportList } from '../../src-main/contract/list-export.js';
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
    <Dialog title="Export the list" onClose={close}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <fieldset role="radiogroup" aria-label="Format" className="form__choices">
          <label>
            <input type="radio" name="format" checked={format === 'links'} onChange={() => setFormat('links')} /> Links (.txt)
          </label>
          <label>
            <input type="radio" name="format" checked={format === 'json'} onChange={() => setFormat('json')} /> JSON with states
          </label>
        </fieldset>
        <label className="form__check">
          <input type="checkbox" checked={onlyShown} onChange={(e) => setOnlyShown(e.target.checked)} /> Only the {shown.toLocaleString()}{' '}
          shown by the filter and search
        </label>
        <p className="form__hint">
          {(onlyShown ? shown : all).toLocaleString()} downloads. Links never carry a user name or password, and header values
          (cookies, sign-ins) are never exported, only their names.
        </p>
        <div className="form__buttons">
          <button type="button" onClick={close}>
            Close
          </button>
          <button type="submit" className="primary" disabled={(onlyShown ? shown : all) === 0}>
            Export
          </button>
        </div>
      </form>
    </Dialog>
  );
}
