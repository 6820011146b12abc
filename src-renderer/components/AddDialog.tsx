import { type FormEvent, useEffect, useMemo, useState } from 'react';
import {
  addEntries,
  type ListEntry,
  type ListProblem,
  MAX_LIST_CHARS,
  parseDownloadList,
  remainingLines,
} from '../../src-main/contract/download-list.js';
import type { AddRequest } from '../../src-main/contract/schemas.js';
import { useApi } from '../api/api-context.js';
import { Rich } from '../i18n/Rich.js';
import { errorText } from '../i18n/ui-error.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';
import { FormFooter } from './FormFooter.js';
import { ListPreview } from './ListPreview.js';

type SourceKind = 'url' | 's3' | 'catalog';

/** Examples of what to type, and aria2's option names: data, the same in every language. */
const URL_EXAMPLE = 'https://example.com/file.iso';
const KEY_EXAMPLE = 'videos/abc123/720p.mp4';
const ARIA2_OPTIONS = ['dir=', 'out=', 'header=', 'referer=', 'user-agent='];
/**
 * The count shown while a list is added moves every this many links: each render re-reads a long
 * list's box, which cost more than the add itself (1,000 links: 65 s when it moved at every one).
 */
const PROGRESS_EVERY = 10;

/** A list's BOM goes: in the middle of the box it would be part of a link. */
const joinLines = (before: string, added: string) => {
  const text = added.replace(/^\uFEFF/, '');
  return before.trim() === '' ? text : `${before.trimEnd()}\n${text}`;
};

/**
 * Add one or more downloads: links one a line or an aria2 input file, typed, pasted, opened or
 * dropped, previewed before anything is added. Errors stay inline, next to what caused them;
 * nothing typed is lost: what was not added stays in the box.
 */
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
  const [notAdded, setNotAdded] = useState<ListProblem[]>([]);
  const [adding, setAdding] = useState<{ done: number; of: number } | null>(null);
  const incoming = useDownloads((s) => s.incoming);

  // Text pasted or dropped on the window, or an offered link, lands in the box; while a list is
  // being added it waits, since the box is then rewritten with what was not added.
  useEffect(() => {
    if (busy) return;
    const text = useDownloads.getState().takeIncoming();
    if (text === null) return;
    setKind('url');
    setUrls((before) => joinLines(before, text));
  }, [incoming, busy]);

  const baseDir = destDir.trim() || settings?.download_dir;
  const list = useMemo(() => parseDownloadList(urls, baseDir === undefined ? {} : { baseDir }), [urls, baseDir]);

  const openList = async (files: FileList | null) => {
    const file = files?.[0];
    if (file === undefined) return;
    if (file.size > MAX_LIST_CHARS) setErrors([t('add.tooLarge', { name: file.name, size: MAX_LIST_CHARS / 1024 / 1024 })]);
    else setUrls(joinLines(urls, await file.text()));
  };

  const common = (): Partial<AddRequest> => ({
    ...(destDir.trim() ? { dest_dir: destDir.trim() } : {}),
    ...(sha256.trim() ? { sha256: sha256.trim() } : {}),
  });

  /** The dialog's folder and checksum apply to every link whose own options do not say otherwise. */
  const requestOf = ({ request }: ListEntry): AddRequest => ({ ...common(), ...request });

  const addOne = async () => {
    const request: AddRequest =
      kind === 's3' ? { s3: { bucket: bucket.trim(), key: key.trim() }, ...common() } : { content_id: contentId.trim(), quality, ...common() };
    setBusy(true);
    try {
      await api.add(request);
      close();
    } catch (error) {
      setErrors([errorText(error, i18n)]);
    } finally {
      setBusy(false);
    }
  };

  /** One add per link, in the list's order (so the list shows them in it); each failure is kept with its lines. */
  const addList = async () => {
    const { entries, problems } = list;
    if (entries.length === 0) {
      setErrors([problems.length > 0 ? t('add.nothingToAdd') : t('add.noLinks')]);
      return;
    }
    setErrors([]);
    setBusy(true);
    const failed = await addEntries(
      entries,
      // A refusal is kept in the window's words, its line beside it.
      (entry) =>
        api.add(requestOf(entry)).catch((error: unknown) => {
          throw new Error(errorText(error, i18n));
        }),
      (done) => {
        if (done % PROGRESS_EVERY === 0) setAdding({ done, of: entries.length });
      },
    );
    setAdding(null);
    setBusy(false);
    if (failed.length === 0 && problems.length === 0) {
      close();
      return;
    }
    // Only what still needs fixing stays in the box.
    setUrls(remainingLines([...problems, ...failed]));
    setNotAdded(failed);
    const added = entries.length - failed.length;
    setErrors([t('add.partlyAdded', { added, count: entries.length })]);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void (kind === 'url' ? addList() : addOne());
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
          <>
            <label>
              {t('add.urls')}
              <textarea
                rows={5}
                value={urls}
                onChange={(e) => setUrls(e.target.value)}
                readOnly={busy}
                placeholder={URL_EXAMPLE}
                spellCheck={false}
                autoFocus
              />
            </label>
            <p className="form__hint">
              <Rich
                parts={i18n.parts('add.listHint', {
                  open: (
                    <label className="form__file">
                      <input type="file" accept=".txt,.list,.lst,.urls,text/plain" onChange={(e) => void openList(e.target.files)} />
                      {t('add.openList')}
                    </label>
                  ),
                  options: <Rich parts={ARIA2_OPTIONS.flatMap((option, index) => [...(index > 0 ? [', '] : []), <code>{option}</code>])} />,
                })}
              />
            </p>
            {urls.trim() !== '' && <ListPreview list={list} notAdded={notAdded} />}
          </>
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
        {adding !== null && (
          <p className="form__hint" role="status">
            {t('add.adding', { current: adding.done + 1, count: adding.of })}
          </p>
        )}
        <FormFooter errors={errors} submitLabel={t('add.submit')} onClose={close} busy={busy} />
      </form>
    </Dialog>
  );
}
