import { useState } from 'react';
import { useI18n } from '../i18n/use-i18n.js';
import type { SettingsSectionProps } from './settings-section.js';

/** Sleep while downloading: only the desktop app can hold the computer awake. */
export function PowerSettings({ settings, onPatch }: SettingsSectionProps) {
  const { t } = useI18n();
  const [on, setOn] = useState(settings?.prevent_sleep ?? true);
  return (
    <>
      <h3>{t('power.title')}</h3>
      <label className="form__check form__wide">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => {
            setOn(e.target.checked);
            onPatch({ prevent_sleep: e.target.checked });
          }}
        />{' '}
        {t('power.preventSleep')}
      </label>
    </>
  );
}
