import { type FormEvent, useState } from 'react';
import { describeSource } from '../../src-main/contract/downloads.js';
import { useApi } from '../api/api-context.js';
import { errorText } from '../i18n/ui-error.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';
import { FormFooter } from './FormFooter.js';

/** Links expire: give a paused or failed download a new one. The partial stays if it still matches. */
export function ChangeLinkDialog({ id }: { id: string }) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
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
      setError(errorText(failure, i18n));
    }
  };
  return (
    <Dialog title={snapshot ? t('changeLink.title', { name: snapshot.filename }) : t('changeLink.titleUnnamed')} onClose={close}>
      <form onSubmit={submit} className="form">
        <label>
          {t('changeLink.label')}
          <input value={url} onChange={(e) => setUrl(e.target.value)} autoFocus />
        </label>
        <p className="form__hint">{t('changeLink.hint')}</p>
        <FormFooter errors={error === null ? [] : [error]} submitLabel={t('changeLink.submit')} onClose={close} />
      </form>
    </Dialog>
  );
}
