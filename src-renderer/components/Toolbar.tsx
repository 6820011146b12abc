import { useI18n } from '../i18n/use-i18n.js';
import { type Filter, useDownloads } from '../state/downloads-store.js';
import { CategoryFilter } from './CategoryFilter.js';
import { ScheduleIndicator } from './ScheduleIndicator.js';

const FILTERS: [Filter, `filter.${Filter}`][] = [
  ['all', 'filter.all'],
  ['active', 'filter.active'],
  ['completed', 'filter.completed'],
  ['failed', 'filter.failed'],
];

export function Toolbar() {
  const filter = useDownloads((s) => s.filter);
  const search = useDownloads((s) => s.search);
  const { setFilter, setSearch, openDialog } = useDownloads.getState();
  const { t } = useI18n();
  return (
    <header className="toolbar">
      <h1 className="toolbar__title">{t('app.name')}</h1>
      <button className="primary" onClick={() => openDialog({ kind: 'add' })}>
        {t('toolbar.add')}
      </button>
      <button onClick={() => openDialog({ kind: 'export' })}>{t('toolbar.export')}</button>
      <div role="group" aria-label={t('toolbar.filter')} className="toolbar__filters">
        {FILTERS.map(([value, label]) => (
          <button key={value} aria-pressed={filter === value} onClick={() => setFilter(value)}>
            {t(label)}
          </button>
        ))}
      </div>
      <CategoryFilter />
      <ScheduleIndicator />
      <input
        type="search"
        className="toolbar__search"
        aria-label={t('toolbar.search')}
        placeholder={t('toolbar.search')}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <button onClick={() => openDialog({ kind: 'settings' })}>{t('toolbar.settings')}</button>
    </header>
  );
}
