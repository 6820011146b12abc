export function ProgressBar({ value, label, status }: { value: number | null; label: string; status: string }) {
  return (
    <div
      className={`progress progress--${status}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      {...(value === null ? {} : { 'aria-valuenow': value })}
    >
      <div className="progress__fill" style={{ width: `${value ?? 0}%` }} />
    </div>
  );
}
