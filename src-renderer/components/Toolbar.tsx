import { type Filter, useDownloads } from '../state/downloads-store.js';
import { CategoryFilter } from './CategoryFilter.js';
import { ScheduleIndicator } from './ScheduleIndicator.js';

const FILTERS: [Filter, string][] = [
  ['all', 'All'],
  ['active', 'Active'],
  ['completed', 'Completed'],
  ['failed', 'Failed'],
];

export function Toolbar() {
  const filter = useDownloads((s) => s.filter);
  const search = useDownloads((s) => s.search);
  const { setFilter, setSearch, openDialog } = useDownloads.getState();
  return (
    <header className="toolbar">
      <h1 className="toolbar__title">Steadfast</h1>
      <button className="primary" onClick={() => openDialog({ kind: 'add' })}>
        Add
      </button>
      <button onClick={() => openDialog({ kind: 'export' })}>Export</button>
      <div role="group" aria-label="Filter" className="toolbar__filters">
        {FILTERS.map(([value, label]) => (
          <button key={value} aria-pressed={filter === value} onClick={() => setFilter(value)}>
            {label}
          </button>
        ))}
      </div>
      <CategoryFilter />
      <ScheduleIndicator />
      <input
        type="search"
        className="toolbar__search"
        aria-label="Search downloads"
        placeholder="Search downloads"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <button onClick={() => openDialog({ kind: 'settings' })}>Settings</button>
    </header>
  );
}
