const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Which days of the week a time window may open on (0 = Sunday), as toggle buttons. */
export function DaysPicker({ label, days, onChange }: { label: string; days: number[]; onChange(days: number[]): void }) {
  const toggle = (day: number) => onChange(days.includes(day) ? days.filter((d) => d !== day) : [...days, day].sort());
  return (
    <div role="group" aria-label={label} className="days">
      {DAYS.map((name, day) => (
        <button key={name} type="button" aria-pressed={days.includes(day)} onClick={() => toggle(day)}>
          {name}
        </button>
      ))}
    </div>
  );
}
