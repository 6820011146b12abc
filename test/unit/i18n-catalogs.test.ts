import { describe, expect, it } from 'vitest';
import { CATEGORY_IDS, CATEGORY_LABELS } from '../../src-main/contract/categories.js';
import { DOWNLOAD_STATUSES } from '../../src-main/contract/downloads.js';
import { API_ERROR_CODES, ERROR_CODES } from '../../src-main/contract/error-codes.js';
import { NOTICE_CODES, STOP_CODES } from '../../src-main/contract/notice-codes.js';
import { STATUS_LABELS } from '../../src-main/contract/format.js';
import { en, type CodeMessages } from '../../src-renderer/i18n/en.js';
import { CATALOGS, type Catalog, type Locale, LOCALES, placeholdersOf } from '../../src-renderer/i18n/translate.js';

type Loose = Readonly<Record<string, string | Readonly<Record<string, string | undefined>>>>;

/** Every way a catalog can fall short of the English one, in words (empty when complete). */
function catalogProblems(locale: Locale, catalog: Loose): string[] {
  const problems: string[] = [];
  const forms = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  for (const id of Object.keys(catalog)) if (!(id in en)) problems.push(`${id}: not in the English catalog`);
  for (const [id, source] of Object.entries(en as Loose)) {
    const entry = catalog[id];
    if (entry === undefined) {
      problems.push(`${id}: missing`);
      continue;
    }
    const wanted = [...new Set(placeholdersOf(typeof source === 'string' ? source : source['other']!))].sort();
    if (typeof source === 'string' && typeof entry !== 'string') problems.push(`${id}: plural forms for a plain message`);
    if (typeof source !== 'string' && typeof entry === 'string') problems.push(`${id}: a plain message where forms are needed`);
    const texts: [string, string | undefined][] =
      typeof entry === 'string' ? [['', entry]] : forms.map((form) => [` (${form})`, entry[form]] as [string, string | undefined]);
    for (const [form, text] of texts) {
      if (text === undefined || text.trim() === '') {
        problems.push(`${id}${form}: empty`);
        continue;
      }
      const used = [...new Set(placeholdersOf(text))].sort();
      if (used.join() !== wanted.join()) problems.push(`${id}${form}: placeholders {${used.join('}, {')}} instead of {${wanted.join('}, {')}}`);
    }
  }
  return problems;
}

describe('message catalogs', () => {
  it.each(LOCALES)('%s has every English message, non-empty, with the same placeholders and its plural forms', (locale) => {
    expect(catalogProblems(locale, CATALOGS[locale] as Loose)).toEqual([]);
  });

  it('the check finds a missing, an empty, a renamed placeholder, a missing plural form and a stray id', () => {
    const broken: Record<string, unknown> = { ...(CATALOGS.en as Loose), 'stray.id': 'x' };
    delete broken['toolbar.add'];
    broken['empty.title'] = ' ';
    broken['row.progress'] = 'Progress of {file}';
    broken['list.count'] = { other: '{count} downloads' };
    expect(catalogProblems('en', broken as Loose)).toEqual([
      'stray.id: not in the English catalog',
      'toolbar.add: missing',
      'list.count (one): empty',
      'empty.title: empty',
      'row.progress: placeholders {file} instead of {name}',
    ]);
  });

  it('a catalog typed after the English one refuses a missing message at compile time', () => {
    const { 'toolbar.add': _dropped, ...rest } = CATALOGS['zh-CN'];
    // @ts-expect-error -- 'toolbar.add' is missing
    const incomplete: Catalog = rest;
    expect(Object.keys(incomplete)).not.toContain('toolbar.add');
  });

  it.each(LOCALES)('%s has a complete sentence for every code: a download’s error, a refused call, a notice, a stop', (locale) => {
    const catalog = CATALOGS[locale];
    const sentences = [
      ...ERROR_CODES.map((code) => [code, catalog[`errorCode.${code}`]] as const),
      ...API_ERROR_CODES.map((code) => [`refused ${code}`, catalog[`apiError.${code}`]] as const),
      ...NOTICE_CODES.map((code) => [`notice ${code}`, catalog[`noticeCode.${code}`]] as const),
      ...STOP_CODES.map((code) => [`stop ${code}`, catalog[`stopCode.${code}`]] as const),
    ];
    // A sentence of its own language, ended as a sentence: not empty, not English left in Chinese.
    const sentence = locale === 'en' ? /^[A-Z][^\p{Script=Han}]+\.$/u : /\p{Script=Han}.*。$/u;
    expect(sentences.filter(([, text]) => typeof text !== 'string' || !sentence.test(text))).toEqual([]);
  });

  it('a catalog without a sentence for an error code fails the typecheck', () => {
    const { 'errorCode.DISK_FULL': _dropped, ...rest } = en;
    // @ts-expect-error -- 'errorCode.DISK_FULL' is missing
    const incomplete: CodeMessages = rest;
    expect(Object.keys(incomplete)).toHaveLength(Object.keys(en).length - 1);
  });

  it('a catalog without a sentence for a notice code or a stop code fails the typecheck', () => {
    const { 'noticeCode.RESTART_RANGES_IGNORED': _notice, 'stopCode.SCHEDULE': _stop, ...rest } = en;
    // @ts-expect-error -- 'noticeCode.RESTART_RANGES_IGNORED' and 'stopCode.SCHEDULE' are missing
    const incomplete: CodeMessages = rest;
    expect(Object.keys(incomplete)).toHaveLength(Object.keys(en).length - 2);
  });

  it('names statuses and categories in English as the extension and the engine do', () => {
    for (const status of DOWNLOAD_STATUSES) expect(en[`status.${status}`]).toBe(STATUS_LABELS[status]);
    for (const id of CATEGORY_IDS) expect(en[`category.${id}`]).toBe(CATEGORY_LABELS[id]);
  });

  it('holds the English words the UI tests and the CLI share', () => {
    expect(Object.keys(en).length).toBeGreaterThan(190);
    expect(en['row.attempt']).toBe('Attempt {current} of {max}');
    expect(CATALOGS['zh-CN']['row.attempt']).toBe('第 {current} 次尝试，共 {max} 次');
  });
});
