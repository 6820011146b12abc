import { CATEGORY_IDS, type CategoryId } from '../../src-main/contract/categories.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';

const isCategory = (value: string): value is CategoryId => (CATEGORY_IDS as readonly string[]).includes(value);

/** Narrows the list to one file type, by the categories in the settings. */
export function CategoryFilter() {
  const category = useDownloads((s) => s.category);
  const { t } = useI18n();
  return (
    <select
      className="toolbar__category"
      aria-label={t('category.fileType')}
      value={category ?? 'all'}
      onChange={(event) => useDownloads.getState().setCategory(isCategory(event.target.value) ? event.target.value : null)}
    >
      <option value="all">{t('category.allTypes')}</option>
      {CATEGORY_IDS.map((id) => (
        <option key={id} value={id}>
          {t(`category.${id}`)}
        </option>
      ))}
    </select>
  );
}
