import { useState } from 'react';
import { useApi } from '../api/api-context.js';
import { useAction } from '../hooks/use-action.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';

export function RemoveDialog({ id }: { id: string }) {
  const api = useApi();
  const run = useAction();
  const { t } = useI18n();
  const snapshot = useDownloads((s) => s.byId[id]);
  const close = () => useDownloads.getState().openDialog(null);
  const [deleteFile, setDeleteFile] = useState(false);
  const completed = snapshot?.status === 'completed';
  return (
    <Dialog title={snapshot ? t('remove.title', { name: snapshot.filename }) : t('remove.titleUnnamed')} onClose={close}>
      <div className="form">
        <p>
          {completed ? t('remove.keepsFile') : t('remove.deletesPart')}
        </p>
        {completed && (
          <label className="form__check">
            <input type="checkbox" checked={deleteFile} onChange={(e) => setDeleteFile(e.target.checked)} /> {t('remove.deleteFile')}
          </label>
        )}
        <div className="form__buttons">
          <button type="button" onClick={close}>
            {t('remove.keep')}
          </button>
          <button
            className="danger"
            onClick={() => {
              close();
              void run(() => api.remove(id, { delete_file: deleteFile }));
            }}
          >
            {t('remove.remove')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
