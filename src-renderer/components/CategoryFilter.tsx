import { CATEGORY_IDS, CATEGORY_LABELS, type CategoryId } from '../../src-main/contract/categories.js';
import { useDownloads } from '../state/downloads-store.js';

const isCategory = (value: string): value is CategoryId => (CATEGORY_IDS as readonly string[]).includes(value);

/** Narrows the list to one file type, by the categories in the settings. */
export function CategoryFilter() {
  const category = useDownloads((s) => s.category);
  return (
    <select
      className="toolbar__category"
      aria-label="File type"
      value={category ?? 'all'}
      onChange={(event) => useDownloads.getState().setCategory(isCategory(event.target.value) ? event.target.value : null)}
    >
      <option value="all">All types</option>
      {CATEGORY_IDS.map((id) => (
        <option key={id} value={id}>
          {CATEGORY_LABELS[id]}
        </option>
      ))}
    </select>
  );
}
