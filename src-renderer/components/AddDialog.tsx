import { type FormEvent, useState } from 'react';
import type { AddRequest } from '../../src-main/contract/schemas.js';
import { useApi } from '../api/api-context.js';
import { useDownloads } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';
import { FormFooter } from './FormFooter.js';

type SourceKind = 'url' | 's3' | 'catalog';

/** Add one or more downloads. Errors stay inline, next to what caused them; nothing typed is lost. */
export function AddDialog() {
  const api = useApi();
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
      setErrors(['Enter at least one link.']);
      return;
    }
    setBusy(true);
    const failed: string[] = [];
    const failedUrls: string[] = [];
    for (const request of all) {
      try {
        await api.add(request);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failed.push('url' in request ? `${request.url}: ${message}` : message);
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
    <Dialog title="Add download" onClose={close}>
      <form onSubmit={submit} className="form">
        <fieldset role="radiogroup" aria-label="Source" className="form__choices">
          {(
            [
              ['url', 'URL'],
              ['s3', 'S3 object'],
              ['catalog', 'Catalog item'],
            ] as const
          ).map(([value, label]) => (
            <label key={value}>
              <input type="radio" name="source" value={value} checked={kind === value} onChange={() => setKind(value)} /> {label}
            </label>
          ))}
        </fieldset>
        {kind === 'url' && (
          <label>
            URLs (one per line)
            <textarea rows={4} value={urls} onChange={(e) => setUrls(e.target.value)} placeholder="https://example.com/file.iso" autoFocus />
          </label>
        )}
        {kind === 's3' && (
          <>
            <label>
              Bucket
              <input value={bucket} onChange={(e) => setBucket(e.target.value)} required />
            </label>
            <label>
              Key
              <input value={key} onChange={(e) => setKey(e.target.value)} required placeholder="videos/abc123/720p.mp4" />
            </label>
          </>
        )}
        {kind === 'catalog' && (
          <>
            {settings?.catalog == null && <p className="form__hint">No catalog is configured yet: set one in Settings.</p>}
            <label>
              Content ID
              <input value={contentId} onChange={(e) => setContentId(e.target.value)} required />
            </label>
            <label>
              Quality
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
          Destination folder
          <input value={destDir} onChange={(e) => setDestDir(e.target.value)} placeholder={settings?.download_dir ?? ''} />
        </label>
        <label>
          SHA-256 (optional)
          <input value={sha256} onChange={(e) => setSha256(e.target.value)} spellCheck={false} />
        </label>
        <FormFooter errors={errors} submitLabel="Add" onClose={close} busy={busy} />
      </form>
    </Dialog>
  );
}
