import { LANGUAGE_SETTINGS, type LanguageSetting } from '../../src-main/contract/settings.js';
import { useApi } from '../api/api-context.js';
import { useAction } from '../hooks/use-action.js';
import { LANGUAGE_NAMES, LOCALES, resolveLocale } from '../i18n/translate.js';
import { useI18n, useSystemLanguages } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';

const isLanguage = (value: string): value is LanguageSetting => (LANGUAGE_SETTINGS as readonly string[]).includes(value);

/**
 * The window's language, saved as soon as it is picked so the whole window (this dialog too)
 * changes at once; the engine keeps it for the desktop app and every browser on `serve`.
 */
export function LanguageSettings() {
  const api = useApi();
  const run = useAction();
  const { t } = useI18n();
  const system = resolveLocale('system', useSystemLanguages());
  const language = useDownloads((s) => s.settings?.language ?? 'system');
  const choose = (value: string) => {
    if (!isLanguage(value)) return;
    void run(async () => useDownloads.getState().setSettings(await api.updateSettings({ language: value })));
  };
  return (
    <label>
      {t('settings.language')}
      <select value={language} onChange={(e) => choose(e.target.value)}>
        <option value="system">{t('settings.languageSystem', { language: LANGUAGE_NAMES[system] })}</option>
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {LANGUAGE_NAMES[locale]}
          </option>
        ))}
      </select>
    </label>
  );
}
