import { useState } from 'react';
import type { SettingsSectionProps } from './settings-section.js';

/** Sleep while downloading: only the desktop app can hold the computer awake. */
export function PowerSettings({ settings, onPatch }: SettingsSectionProps) {
  const [on, setOn] = useState(settings?.prevent_sleep ?? true);
  return (
    <>
      <h3>Power</h3>
      <label className="form__check form__wide">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => {
            setOn(e.target.checked);
            onPatch({ prevent_sleep: e.target.checked });
          }}
        />{' '}
        Keep the computer awake while downloading (desktop app)
      </label>
    </>
  );
}
