import { useEffect, useState } from 'react';
import { withoutCredentials } from '../../src-main/contract/downloads.js';
import { useApi } from '../api/api-context.js';
import { Rich } from '../i18n/Rich.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';

/**
 * The desktop app's offer to add a link just copied (Settings › "Offer to add links copied to
 * the clipboard"): Add opens the Add dialog with it, to choose a folder first; × dismisses it.
 */
export function ClipboardOffer() {
  const desktop = useApi().desktop;
  const [link, setLink] = useState<string | null>(null);
  const { t, parts } = useI18n();
  useEffect(() => desktop?.onClipboardLink(setLink), [desktop]);
  if (link === null) return null;
  return (
    <div role="status" aria-label={t('clipboard.label')} className="banner banner--offer">
      <span>
        <Rich parts={parts('clipboard.offer', { link: <span className="mono">{withoutCredentials(link)}</span> })} />
      </span>
      <button
        className="primary"
        onClick={() => {
          if (useDownloads.getState().addText(link)) setLink(null);
        }}
      >
        {t('clipboard.add')}
      </button>
      <button onClick={() => setLink(null)} aria-label={t('clipboard.dismiss')}>
        ×
      </button>
    </div>
  );
}
