import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { useAction } from '../hooks/use-action.js';
import { useDownloads } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';

export function RemoveDialog({ id }: { id: string }) {
  const api = useApi();
  const run = useAction();
  const snapshot = useDownloads((s) => s.byId[id]);
  const close = () => useDownloads.getState().openDialog(null);
  const [deleteFile, setDeleteFile] = useState(false);
  const completed = snapshot?.status === 'completed';
  return (
    <Dialog title={`Remove ${snapshot?.filename ?? 'download'}?`} onClose={close}>
      <div className="form">
        <p>
          {completed
            ? 'The download leaves the list. The file stays unless you tick the box.'
            : 'The download leaves the list and the part downloaded so far is deleted.'}
        </p>
        {completed && (
          <label className="form__check">
            <input type="checkbox" checked={deleteFile} onChange={(e) => setDeleteFile(e.target.checked)} /> Also delete the file
          </label>
        )}
        <div className="form__buttons">
          <button type="button" onClick={close}>
            Keep
          </button>
          <button
            className="danger"
            onClick={() => {
              close();
              void run(() => api.remove(id, { delete_file: deleteFile }));
            }}
          >
            Remove
          </button>
        </div>
      </div>
    </Dialog>
  );
}
