import { useI18n } from '../i18n/use-i18n.js';

/** Which days of the week a time window may open on (0 = Sunday), as toggle buttons. */
export function DaysPicker({ label, days, onChange }: { label: string; days: number[]; onChange(days: number[]): void }) {
  const { weekdays } = useI18n();
  const toggle = (day: number) => onChange(days.includes(day) ? days.filter((d) => d !== day) : [...days, day].sort());
  return (
    <div role="group" aria-label={label} className="days">
      {weekdays.map((name, day) => (
        <button key={day} type="button" aria-pressed={days.includes(day)} onClick={() => toggle(day)}>
          {name}
        </button>
      ))}
    </div>
  );
}
