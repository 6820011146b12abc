import { type FormEvent, useState } from 'react';
import { describeSource } from '../../src-main/contract/downloads.js';
import { useApi } from '../api/api-context.js';
import { useDownloads } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';
import { FormFooter } from './FormFooter.js';

/** Links expire: give a paused or failed download a new one. The partial stays if it still matches. */
export function ChangeLinkDialog({ id }: { id: string }) {
  const api = useApi();
  const snapshot = useDownloads((s) => s.byId[id]);
  const close = () => useDownloads.getState().openDialog(null);
  const [url, setUrl] = useState(snapshot ? describeSource(snapshot.source) : '');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api.changeSource(id, url.trim());
      close();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <Dialog title={`New link for ${snapshot?.filename ?? 'download'}`} onClose={close}>
      <form onSubmit={submit} className="form">
        <label>
          New link
          <input value={url} onChange={(e) => setUrl(e.target.value)} autoFocus />
        </label>
        <p className="form__hint">The part already downloaded is kept when the new link serves the same file.</p>
        <FormFooter errors={error === null ? [] : [error]} submitLabel="Change link" onClose={close} />
      </form>
    </Dialog>
  );
}
