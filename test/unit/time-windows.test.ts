import { describe, expect, it } from 'vitest';
import { EVERY_DAY, windowState } from '../../src-main/contract/time-windows.js';

/** Local time on Monday 2026-01-05 plus `days`. */
const at = (days: number, hours: number, minutes = 0) => new Date(2026, 0, 5 + days, hours, minutes).getTime();

describe('windowState', () => {
  const night = { start: '01:00', stop: '07:00', days: EVERY_DAY };

  it('is closed before the start, open from it, closed again at the stop', () => {
    expect(windowState(night, at(0, 0, 59))).toEqual({ open: false, next: at(0, 1) });
    expect(windowState(night, at(0, 1))).toEqual({ open: true, next: at(0, 7) });
    expect(windowState(night, at(0, 6, 59))).toEqual({ open: true, next: at(0, 7) });
    expect(windowState(night, at(0, 7))).toEqual({ open: false, next: at(1, 1) });
  });

  it('runs past midnight when the stop is before the start, ending on the next day', () => {
    const late = { start: '22:00', stop: '06:00', days: [1] }; // Monday night only
    expect(windowState(late, at(0, 21))).toEqual({ open: false, next: at(0, 22) });
    expect(windowState(late, at(0, 23))).toEqual({ open: true, next: at(1, 6) });
    expect(windowState(late, at(1, 5))).toEqual({ open: true, next: at(1, 6) });
    // Tuesday night is not in the days: next Monday.
    expect(windowState(late, at(1, 23))).toEqual({ open: false, next: at(7, 22) });
  });

  it('keeps to the days: a Saturday-only window seen on Monday opens on Saturday', () => {
    expect(windowState({ start: '09:00', stop: '18:00', days: [6] }, at(0, 10))).toEqual({ open: false, next: at(5, 9) });
  });

  it('a window whose start equals its stop is the whole day; every day of it never closes', () => {
    expect(windowState({ start: '00:00', stop: '00:00', days: EVERY_DAY }, at(0, 12))).toEqual({ open: true, next: null });
    expect(windowState({ start: '00:00', stop: '00:00', days: [1, 2] }, at(0, 12))).toEqual({ open: true, next: at(2, 0) });
  });
});
