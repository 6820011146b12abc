import { memo } from 'react';
import type { ListNote, ListProblem, ParsedList } from '../../src-main/contract/download-list.js';
import { withoutCredentials } from '../../src-main/contract/downloads.js';
import { formatBytes } from '../../src-main/contract/format.js';

/** Rows drawn per section: the box keeps every line, however many; the page need not draw them all. */
const SHOWN = 200;

const plural = (count: number, one: string, many = `${one}s`) => `${count.toLocaleString()} ${count === 1 ? one : many}`;

function Issues({ label, items, tone }: { label: string; items: readonly (ListNote | ListProblem)[]; tone: 'bad' | 'warn' }) {
  return (
    <div className={`list-preview__issues list-preview__issues--${tone}`}>
      <h4>{label}</h4>
      <ul aria-label={label}>
        {items.slice(0, SHOWN).map((item, index) => (
          <li key={`${item.line}-${index}`}>
            <span className="list-preview__line">Line {item.line}:</span> {item.message}
            {'source' in item && item.source !== '' && <span className="list-preview__source mono">{item.source.split('\n')[0]}</span>}
          </li>
        ))}
        {items.length > SHOWN && <li>… and {plural(items.length - SHOWN, 'more line', 'more lines')}</li>}
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
  const notes = entries.flatMap((entry) => entry.notes);
  return (
    <section className="list-preview" aria-label="List preview">
      <p className="list-preview__summary">
        <strong>{plural(entries.length, 'download')} to add</strong>
        {problems.length > 0 && <span className="list-preview__bad"> · {plural(problems.length, 'line')} with a problem</span>}
        {notes.length > 0 && <span className="list-preview__warn"> · {plural(notes.length, 'note')}</span>}
      </p>
      {notAdded.length > 0 && (
        <div role="alert">
          <Issues label="Not added" items={notAdded} tone="bad" />
        </div>
      )}
      {problems.length > 0 && <Issues label="Lines with a problem" items={problems} tone="bad" />}
      {notes.length > 0 && <Issues label="Read but not used" items={notes} tone="warn" />}
      {entries.length > 0 && <h4 className="list-preview__heading">Downloads to add</h4>}
      {entries.length > 0 && (
        <ol className="list-preview__entries" aria-label="Downloads to add">
          {entries.slice(0, SHOWN).map(({ line, request }) => (
            <li key={line}>
              <span className="mono list-preview__url">{withoutCredentials(request.url)}</span>
              <span className="list-preview__facts">
                {[
                  request.dest_dir,
                  request.filename && `as ${request.filename}`,
                  request.headers && `sends ${Object.keys(request.headers).join(', ')}`,
                  request.sha256 && 'SHA-256',
                  request.speed_limit && `${formatBytes(request.speed_limit)}/s`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </li>
          ))}
          {entries.length > SHOWN && <li>… and {plural(entries.length - SHOWN, 'more')}</li>}
        </ol>
      )}
    </section>
  );
});
