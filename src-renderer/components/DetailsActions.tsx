import { useState } from 'react';
import { describeSource, type DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { useApi } from '../api/api-context.js';
import { errorText } from '../i18n/ui-error.js';
import { useI18n } from '../i18n/use-i18n.js';

/**
 * What the details offer: the download's link to copy (never with a user name or password),
 * and, once it is complete, in the browser the file itself through a short-lived link the
 * server mints (ARCHITECTURE.md §7 "File links").
 */
export function DetailsActions({ download }: { download: DownloadSnapshot }) {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const [said, setSaid] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(describeSource(download.source));
      setSaid(t('details.linkCopied'));
    } catch {
      setSaid(t('details.copyRefused'));
    }
  };
  const fetchFile = async () => {
    const fileLink = api.fileLink!;
    try {
      const anchor = document.createElement('a');
      anchor.href = await fileLink(download.id);
      anchor.download = download.filename;
      anchor.click();
      setSaid(null);
    } catch (error) {
      setSaid(errorText(error, i18n));
    }
  };
  return (
    <div className="details__actions">
      <button onClick={() => void copy()}>{t('details.copyLink')}</button>
      {download.status === 'completed' && api.fileLink !== null && <button onClick={() => void fetchFile()}>{t('details.downloadFile')}</button>}
      {said !== null && (
        <span className="details__said" role="status">
          {said}
        </span>
      )}
    </div>
  );
}
