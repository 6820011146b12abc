import { type FormEvent, useState } from 'react';
import type { AddRequest } from '../../src-main/contract/schemas.js';
import { useApi } from '../api/api-context.js';
import { errorText } from '../i18n/ui-error.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';
import { FormFooter } from './FormFooter.js';

type SourceKind = 'url' | 's3' | 'catalog';

/** Examples of what to type: data, the same in every language. */
const URL_EXAMPLE = 'https://example.com/file.iso';
const KEY_EXAMPLE = 'videos/abc123/720p.mp4';

/** Add one or more downloads. Errors stay inline, next to what caused them; nothing typed is lost. */
export function AddDialog() {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const settings = useDownloads((s) => s.settings);
  const close = () => useDownloads.getState().openDialog(null);
  const [kind, setKind] = useState<SourceKind>('url');
  const [urls, setUrls] = useState('');
  const [bucket, setBucket] = useState('');
  const [key, setKey] = useState('');
  const [contentId, setContentId] = useState('');
  const [quality, setQuality] = useState(settings?.catalog?.qualities[0] ?? '');
  const [destDir, setDestDir] = useState('');
  const [sha256, setSha256] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const common = (): Partial<AddRequest> => ({
    ...(destDir.trim() ? { dest_dir: destDir.trim() } : {}),
    ...(sha256.trim() ? { sha256: sha256.trim() } : {}),
  });

  const requests = (): AddRequest[] => {
    if (kind === 's3') return [{ s3: { bucket: bucket.trim(), key: key.trim() }, ...common() }];
    if (kind === 'catalog') return [{ content_id: contentId.trim(), quality, ...common() }];
    return urls
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((url) => ({ url, ...common() }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const all = requests();
    if (all.length === 0) {
      setErrors([t('add.noLinks')]);
      return;
    }
    setBusy(true);
    const failed: string[] = [];
    const failedUrls: string[] = [];
    for (const request of all) {
      try {
        await api.add(request);
      } catch (error) {
        const message = errorText(error, i18n);
        failed.push('url' in request ? t('add.refused', { url: request.url, message }) : message);
        if ('url' in request) failedUrls.push(request.url);
      }
    }
    setBusy(false);
    if (failed.length === 0) close();
    else {
      // Keep only what still needs fixing in the box.
      if (kind === 'url') setUrls(failedUrls.join('\n'));
      setErrors(failed);
    }
  };

  return (
    <Dialog title={t('add.title')} onClose={close}>
      <form onSubmit={submit} className="form">
        <fieldset role="radiogroup" aria-label={t('add.source')} className="form__choices">
          {(
            [
              ['url', 'add.url'],
              ['s3', 'add.s3'],
              ['catalog', 'add.catalog'],
            ] as const
          ).map(([value, label]) => (
            <label key={value}>
              <input type="radio" name="source" value={value} checked={kind === value} onChange={() => setKind(value)} /> {t(label)}
            </label>
          ))}
        </fieldset>
        {kind === 'url' && (
          <label>
            {t('add.urls')}
            <textarea rows={4} value={urls} onChange={(e) => setUrls(e.target.value)} placeholder={URL_EXAMPLE} autoFocus />
          </label>
        )}
        {kind === 's3' && (
          <>
            <label>
              {t('add.bucket')}
              <input value={bucket} onChange={(e) => setBucket(e.target.value)} required />
            </label>
            <label>
              {t('add.key')}
              <input value={key} onChange={(e) => setKey(e.target.value)} required placeholder={KEY_EXAMPLE} />
            </label>
          </>
        )}
        {kind === 'catalog' && (
          <>
            {settings?.catalog == null && <p className="form__hint">{t('add.noCatalog')}</p>}
            <label>
              {t('add.contentId')}
              <input value={contentId} onChange={(e) => setContentId(e.target.value)} required />
            </label>
            <label>
              {t('add.quality')}
              {settings?.catalog ? (
                <select value={quality} onChange={(e) => setQuality(e.target.value)}>
                  {settings.catalog.qualities.map((q) => (
                    <option key={q}>{q}</option>
                  ))}
                </select>
              ) : (
                <input value={quality} onChange={(e) => setQuality(e.target.value)} required />
              )}
            </label>
          </>
        )}
        <label>
          {t('add.destination')}
          <input value={destDir} onChange={(e) => setDestDir(e.target.value)} placeholder={settings?.download_dir ?? ''} />
        </label>
        <label>
          {t('add.sha256')}
          <input value={sha256} onChange={(e) => setSha256(e.target.value)} spellCheck={false} />
        </label>
        <FormFooter errors={errors} submitLabel={t('add.submit')} onClose={close} busy={busy} />
      </form>
    </Dialog>
  );
}
