import { Fragment, useState } from 'react';
import { type Category, DEFAULT_CATEGORIES } from '../../src-main/contract/categories.js';
import { useI18n } from '../i18n/use-i18n.js';
import type { SettingsSectionProps } from './settings-section.js';

/** Sorting new downloads into category sub-folders: on or off, each category's folder and extensions. */
export function SortingSettings({ settings, onPatch }: SettingsSectionProps) {
  const [on, setOn] = useState(settings?.sort_by_category ?? false);
  const { t } = useI18n();
  const [rows, setRows] = useState(() =>
    (settings?.categories ?? DEFAULT_CATEGORIES).map((c) => ({ ...c, typed: c.extensions.join(', ') })),
  );
  const report = (nextOn: boolean, nextRows: typeof rows) =>
    onPatch({
      sort_by_category: nextOn,
      categories: nextRows.map(({ id, folder, typed }): Category => ({ id, folder, extensions: splitList(typed) })),
    });
  const toggle = (checked: boolean) => {
    setOn(checked);
    report(checked, rows);
  };
  const edit = (index: number, field: 'folder' | 'typed', value: string) => {
    const next = rows.map((row, i) => (i === index ? { ...row, [field]: value } : row));
    setRows(next);
    report(on, next);
  };
  return (
    <>
      <h3>{t('sorting.title')}</h3>
      <label className="form__check form__wide">
        <input type="checkbox" checked={on} onChange={(e) => toggle(e.target.checked)} /> {t('sorting.on')}
      </label>
      <p className="form__hint form__wide">
        {t('sorting.hint')}
      </p>
      {rows.map((row, index) => (
        <Fragment key={row.id}>
          <label>
            {t('sorting.folder', { category: t(`category.${row.id}`) })}
            <input value={row.folder} disabled={!on} onChange={(e) => edit(index, 'folder', e.target.value)} />
          </label>
          {row.id !== 'other' ? (
            <label>
              {t('sorting.extensions', { category: t(`category.${row.id}`) })}
              <input value={row.typed} disabled={!on} onChange={(e) => edit(index, 'typed', e.target.value)} />
            </label>
          ) : (
            <p className="form__hint form__aside">{t('sorting.other')}</p>
          )}
        </Fragment>
      ))}
    </>
  );
}

const splitList = (typed: string) =>
  typed
    .split(/[\s,]+/)
    .map((item) => item.replace(/^\./, ''))
    .filter(Boolean);
