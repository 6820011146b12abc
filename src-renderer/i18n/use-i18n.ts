import { useSyncExternalStore } from 'react';
import { useDownloads } from '../state/downloads-store.js';
import { type I18n, i18nFor, resolveLocale } from './translate.js';

const subscribe = (changed: () => void) => {
  window.addEventListener('languagechange', changed);
  return () => window.removeEventListener('languagechange', changed);
};
const systemLanguages = () => navigator.languages.join(',');

/** The system's languages, best first, followed live (a browser's language setting can change). */
export function useSystemLanguages(): readonly string[] {
  return useSyncExternalStore(subscribe, systemLanguages).split(',');
}

/** The window's words for an event handler, outside rendering: the same choice as useI18n's. */
export function currentI18n(): I18n {
  return i18nFor(resolveLocale(useDownloads.getState().settings?.language ?? 'system', navigator.languages));
}

/**
 * The window's words and formats: the language chosen in Settings (the engine keeps it, so the
 * desktop app and `serve` remember it), else the system's; English until the settings arrive.
 */
export function useI18n(): I18n {
  const setting = useDownloads((s) => s.settings?.language ?? 'system');
  return i18nFor(resolveLocale(setting, useSystemLanguages()));
}
