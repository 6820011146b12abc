/**
 * Times of day at which something holds (the queue runs, a speed limit applies), in the local time
 * of the machine the engine runs on. Pure: the engine times its changes from `windowState`, and
 * the page words the toolbar from the same function.
 */
export interface TimeWindow {
  /** "HH:MM", 24-hour. */
  start: string;
  /** "HH:MM"; at or before `start` means the window runs past midnight; equal means all day. */
  stop: string;
  /** The days a window may open on, 0 = Sunday … 6 = Saturday; a window past midnight ends the next day. */
  days: number[];
}

/** A speed limit for all downloads together during a window. */
export interface SpeedWindow extends TimeWindow {
  /** Bytes per second. */
  limit: number;
}

export const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface WindowState {
  open: boolean;
  /** When it next opens or closes (epoch ms), or null if it never changes. */
  next: number | null;
}


function minutes(time: string): [number, number] {
  const match = TIME_OF_DAY.exec(time);
  if (match === null) throw new RangeError(`not a time of day: ${time}`);
  return [Number(match[1]), Number(match[2])];
}

/** The window's openings around `now`, as [opens, closes) in epoch ms, earliest first. */
function spans(window: TimeWindow, now: number): [number, number][] {
  const [startHour, startMinute] = minutes(window.start);
  const [stopHour, stopMinute] = minutes(window.stop);
  const overnight = stopHour * 60 + stopMinute <= startHour * 60 + startMinute;
  const today = new Date(now);
  const result: [number, number][] = [];
  // Built from calendar fields, not by adding 24 h, so a daylight-saving change moves nothing.
  for (let offset = -1; offset <= 8; offset += 1) {
    const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset);
    if (!window.days.includes(day.getDay())) continue;
    const opens = new Date(day.getFullYear(), day.getMonth(), day.getDate(), startHour, startMinute).getTime();
    const closes = new Date(day.getFullYear(), day.getMonth(), day.getDate() + (overnight ? 1 : 0), stopHour, stopMinute).getTime();
    result.push([opens, closes]);
  }
  return result;
}

/** Whether the window is open at `now`, and when that next changes. */
export function windowState(window: TimeWindow, now: number): WindowState {
  const all = spans(window, now);
  const current = all.find(([opens, closes]) => opens <= now && now < closes);
  if (current === undefined) {
    const next = all.find(([opens]) => opens > now);
    return { open: false, next: next?.[0] ?? null };
  }
  // Back-to-back openings (every day, all day) are one: it closes where the chain ends.
  let closes = current[1];
  for (const [opens, end] of all) if (opens <= closes && end > closes) closes = end;
  // A chain that runs to the last opening looked at never closes (every day, all day).
  return { open: true, next: closes === all[all.length - 1]![1] ? null : closes };
}
