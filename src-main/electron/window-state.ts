import { readFileSync, writeFileSync } from 'node:fs';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_SIZE = { width: 1000, height: 700 };
const MIN = { width: 560, height: 360 };

/**
 * The window's last bounds, if they still fit a display: a window restored onto a monitor that
 * is gone would open out of sight.
 */
export function restoreBounds(path: string, workAreas: Bounds[]): Bounds | null {
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const b = saved as Partial<Bounds>;
  if (![b.x, b.y, b.width, b.height].every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  const bounds = b as Bounds;
  if (bounds.width < MIN.width || bounds.height < MIN.height) return null;
  const visible = workAreas.some(
    (area) =>
      bounds.x < area.x + area.width - 50 &&
      bounds.x + bounds.width > area.x + 50 &&
      bounds.y >= area.y - 10 &&
      bounds.y < area.y + area.height - 50,
  );
  return visible ? bounds : null;
}

export function saveBounds(path: string, bounds: Bounds): void {
  writeFileSync(path, JSON.stringify(bounds));
}
