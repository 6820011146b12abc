import { memo } from 'react';
import type { ListNote, ListProblem, ParsedList } from '../../src-main/contract/download-list.js';
import { withoutCredentials } from '../../src-main/contract/downloads.js';
import { useI18n } from '../i18n/use-i18n.js';

/** Rows drawn per section: the box keeps every line, however many; the page need not draw them all. */
const SHOWN = 200;

function Issues({ label, items, tone }: { label: string; items: readonly (ListNote | ListProblem)[]; tone: 'bad' | 'warn' }) {
  const { t } = useI18n();
  return (
    <div className={`list-preview__issues list-preview__issues--${tone}`}>
      <h4>{label}</h4>
      <ul aria-label={label}>
        {items.slice(0, SHOWN).map((item, index) => (
          <li key={`${item.line}-${index}`}>
            <span className="list-preview__line">{t('preview.line', { line: item.line })}</span> {item.message}
            {'source' in item && item.source !== '' && <span className="list-preview__source mono">{item.source.split('\n')[0]}</span>}
          </li>
        ))}
        {items.length > SHOWN && <li>{t('preview.moreLines', { count: items.length - SHOWN })}</li>}
      </ul>
    </div>
  );
}

/**
 * What a list will add before anything is added: how many downloads, each line that cannot be
 * one (with its number and why), what is read but not used, and what the last Add could not add.
 * Memoised: adding a long list re-renders the dialog once per link, and the list has not changed.
 */
export const ListPreview = memo(function ListPreview({ list, notAdded }: { list: ParsedList; notAdded: readonly ListProblem[] }) {
  const { entries, problems } = list;
  const { t, speed } = useI18n();
  const notes = entries.flatMap((entry) => entry.notes);
  return (
    <section className="list-preview" aria-label={t('preview.label')}>
      <p className="list-preview__summary">
        <strong>{t('preview.toAdd', { count: entries.length })}</strong>
        {problems.length > 0 && <span className="list-preview__bad"> · {t('preview.problems', { count: problems.length })}</span>}
        {notes.length > 0 && <span className="list-preview__warn"> · {t('preview.notes', { count: notes.length })}</span>}
      </p>
      {notAdded.length > 0 && (
        <div role="alert">
          <Issues label={t('preview.notAdded')} items={notAdded} tone="bad" />
        </div>
      )}
      {problems.length > 0 && <Issues label={t('preview.problemLines')} items={problems} tone="bad" />}
      {notes.length > 0 && <Issues label={t('preview.unused')} items={notes} tone="warn" />}
      {entries.length > 0 && <h4 className="list-preview__heading">{t('preview.entries')}</h4>}
      {entries.length > 0 && (
        <ol className="list-preview__entries" aria-label={t('preview.entries')}>
          {entries.slice(0, SHOWN).map(({ line, request }) => (
            <li key={line}>
              <span className="mono list-preview__url">{withoutCredentials(request.url)}</span>
              <span className="list-preview__facts">
                {[
                  request.dest_dir,
                  request.filename && t('preview.as', { name: request.filename }),
                  request.headers && t('preview.sends', { names: Object.keys(request.headers).join(', ') }),
                  request.sha256 && t('details.sha256'),
                  request.speed_limit && speed(request.speed_limit),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </li>
          ))}
          {entries.length > SHOWN && <li>{t('preview.more', { count: entries.length - SHOWN })}</li>}
        </ol>
      )}
    </section>
  );
});
