import { scaleBytes, splitDuration } from '../../src-main/contract/format.js';
import type { LanguageSetting } from '../../src-main/contract/settings.js';
import { en, type EnglishCatalog, type PluralForms } from './en.js';
import { zhCN } from './zh-CN.js';

/** The languages the window speaks; a catalog each. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Every other language's catalog: the English ids, plain messages as strings, plural messages as forms. */
export type Catalog = { readonly [K in MessageId]: EnglishCatalog[K] extends string ? string : PluralForms };
export const CATALOGS: Record<Locale, Catalog> = { en, 'zh-CN': zhCN };

/** Each language's name in itself, for the language menu: a reader finds their own. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

export type MessageId = keyof EnglishCatalog;

/** The `{name}`s of a message, from the English text, so a call without one is a type error. */
type Placeholders<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;
type ParamsOf<M> = M extends string ? Placeholders<M> : Placeholders<M[keyof M]> | 'count';
export type Params<K extends MessageId> = Record<ParamsOf<EnglishCatalog[K]>, string | number>;
type Args<K extends MessageId> = [ParamsOf<EnglishCatalog[K]>] extends [never] ? [] : [params: Params<K>];

/** The `{name}`s a message uses, in order (the catalog test compares them across languages). */
export const placeholdersOf = (message: string): string[] => [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

/**
 * The language to show: the one chosen in Settings, else the first of the system's (the
 * browser's, or in the desktop app Electron's app locale) that has a catalog. Any Chinese but
 * the traditional script's regions reads Simplified Chinese; the rest of the world reads English.
 */
export function resolveLocale(setting: LanguageSetting, systemLanguages: readonly string[]): Locale {
  if (setting !== 'system') return setting;
  for (const tag of systemLanguages) {
    const lower = tag.toLowerCase();
    if (lower === 'en' || lower.startsWith('en-')) return 'en';
    if (/^zh(-|$)/.test(lower) && !/^zh-(hant|tw|hk|mo)/.test(lower)) return 'zh-CN';
  }
  return 'en';
}

/** Splits a message at its placeholders: text, then a placeholder's value, and so on. */
function fill<V>(message: string, values: Readonly<Record<string, V>>, text: (value: V) => string | V): (string | V)[] {
  return message.split(/\{(\w+)\}/g).map((part, index) => (index % 2 === 0 ? part : text(values[part]!)));
}

export interface I18n {
  readonly locale: Locale;
  t<K extends MessageId>(id: K, ...args: Args<K>): string;
  /** The message cut at its placeholders, for values that are not text (a <strong>, a <code>). */
  parts<K extends MessageId, V>(id: K, values: Record<ParamsOf<EnglishCatalog[K]>, V>): (string | V)[];
  number(value: number): string;
  /** "1.5 MB", "650 KB": binary multiples, the number in the locale's digits. */
  bytes(bytes: number): string;
  speed(bytesPerSecond: number): string;
  /** ETAs: "45 s", "3 min 20 s", "2 h 5 min". */
  duration(seconds: number): string;
  /** A time of day with seconds, as the locale writes it. */
  time(at: string | number): string;
  dateTime(at: string | number): string;
  /** "01:00" within a day from now, else with the weekday ("Sun 01:00"): schedules' next change. */
  clock(at: number, now: number): string;
  /** Short weekday names, Sunday first. */
  readonly weekdays: readonly string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** 2026-03-01 was a Sunday: seven days from it give the week's names. */
const A_SUNDAY = Date.UTC(2026, 2, 1, 12);

function createI18n(locale: Locale): I18n {
  const catalog = CATALOGS[locale];
  const plural = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  // Within a unit the value is below 1024: no grouping, so English reads "1023 KB" as the CLI does.
  const byteNumbers = new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 2 });
  const times = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  const dateTimes = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const hoursMinutes = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const weekdayNames = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  const weekdays = Array.from({ length: 7 }, (_, day) => weekdayNames.format(A_SUNDAY + day * DAY_MS));
  const show = (value: string | number) => (typeof value === 'number' ? numbers.format(value) : value);

  const message = (id: MessageId, values: Readonly<Record<string, unknown>>): string => {
    const entry = catalog[id];
    if (typeof entry === 'string') return entry;
    const count = values['count'];
    return entry[plural.select(typeof count === 'number' ? count : Number(count))] ?? entry.other;
  };
  const t = <K extends MessageId>(id: K, ...args: Args<K>): string => {
    const values: Readonly<Record<string, string | number>> = args[0] ?? {};
    return fill(message(id, values), values, show).join('');
  };
  const bytes = (count: number) => {
    const { value, unit } = scaleBytes(count);
    return `${byteNumbers.format(value)} ${unit}`;
  };
  const duration = (seconds: number) => {
    const parts = splitDuration(seconds);
    if ('h' in parts) return t('duration.hours', parts);
    if ('m' in parts) return t('duration.minutes', parts);
    return t('duration.seconds', parts);
  };
  return {
    locale,
    t,
    parts: (id, values) => fill(message(id, values), values, (value) => (typeof value === 'number' ? numbers.format(value) : value)),
    number: (value) => numbers.format(value),
    bytes,
    speed: (bytesPerSecond) => t('unit.perSecond', { amount: bytes(bytesPerSecond) }),
    duration,
    time: (at) => times.format(new Date(at)),
    dateTime: (at) => dateTimes.format(new Date(at)),
    clock: (at, now) => {
      const time = hoursMinutes.format(at);
      return at - now < DAY_MS ? time : `${weekdays[new Date(at).getDay()]} ${time}`;
    },
    weekdays,
  };
}

const made = new Map<Locale, I18n>();

/** One I18n per language for the page's life: the Intl formatters are costly to build. */
export function i18nFor(locale: Locale): I18n {
  let i18n = made.get(locale);
  if (i18n === undefined) {
    i18n = createI18n(locale);
    made.set(locale, i18n);
  }
  return i18n;
}
