import { useState } from 'react';
import { EVERY_DAY } from '../../src-main/contract/time-windows.js';
import type { SettingsPatch } from '../../src-main/contract/schemas.js';
import type { Settings } from '../../src-main/contract/settings.js';
import { useI18n } from '../i18n/use-i18n.js';
import { DaysPicker } from './DaysPicker.js';
import type { SettingsSectionProps } from './settings-section.js';

/** The queue's window and the time-of-day speed limit (times are the engine's local time). */
export function ScheduleSettings({ settings, onPatch }: SettingsSectionProps) {
  const [form, setForm] = useState(() => toForm(settings));
  const { t } = useI18n();
  const change = (next: Partial<Form>) => {
    const merged = { ...form, ...next };
    setForm(merged);
    onPatch(toPatch(merged));
  };
  return (
    <>
      <h3>{t('schedule.title')}</h3>
      <label className="form__check form__wide">
        <input type="checkbox" checked={form.queueOn} onChange={(e) => change({ queueOn: e.target.checked })} /> {t('schedule.queueOn')}
      </label>
      <label>
        {t('schedule.queueStart')}
        <input type="time" value={form.queueStart} disabled={!form.queueOn} onChange={(e) => change({ queueStart: e.target.value })} />
      </label>
      <label>
        {t('schedule.queueStop')}
        <input type="time" value={form.queueStop} disabled={!form.queueOn} onChange={(e) => change({ queueStop: e.target.value })} />
      </label>
      {form.queueOn && <DaysPicker label={t('schedule.queueDays')} days={form.queueDays} onChange={(queueDays) => change({ queueDays })} />}
      <p className="form__hint form__wide">
        {t('schedule.hint')}
      </p>
      <label className="form__check form__wide">
        <input type="checkbox" checked={form.speedOn} onChange={(e) => change({ speedOn: e.target.checked })} /> {t('schedule.speedOn')}
      </label>
      <label>
        {t('schedule.speedStart')}
        <input type="time" value={form.speedStart} disabled={!form.speedOn} onChange={(e) => change({ speedStart: e.target.value })} />
      </label>
      <label>
        {t('schedule.speedStop')}
        <input type="time" value={form.speedStop} disabled={!form.speedOn} onChange={(e) => change({ speedStop: e.target.value })} />
      </label>
      <label>
        {t('schedule.speedLimit')}
        <input type="number" min={1} value={form.speedLimit} disabled={!form.speedOn} onChange={(e) => change({ speedLimit: e.target.value })} />
      </label>
      {form.speedOn && <DaysPicker label={t('schedule.speedDays')} days={form.speedDays} onChange={(speedDays) => change({ speedDays })} />}
    </>
  );
}

function toForm(s: Settings | null) {
  const queue = s?.queue_schedule ?? null;
  const speed = s?.speed_schedule ?? null;
  return {
    queueOn: queue !== null,
    queueStart: queue?.start ?? '01:00',
    queueStop: queue?.stop ?? '07:00',
    queueDays: queue?.days ?? EVERY_DAY,
    speedOn: speed !== null,
    speedStart: speed?.start ?? '09:00',
    speedStop: speed?.stop ?? '18:00',
    speedDays: speed?.days ?? EVERY_DAY,
    speedLimit: speed === null ? '2048' : String(Math.round(speed.limit / 1024)),
  };
}

type Form = ReturnType<typeof toForm>;

function toPatch(form: Form): SettingsPatch {
  return {
    queue_schedule: form.queueOn ? { start: form.queueStart, stop: form.queueStop, days: form.queueDays } : null,
    speed_schedule: form.speedOn
      ? { start: form.speedStart, stop: form.speedStop, days: form.speedDays, limit: Math.round(Number(form.speedLimit) * 1024) }
      : null,
  };
}
