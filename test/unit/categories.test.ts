import { describe, expect, it } from 'vitest';
import { type Category, categoryOf, DEFAULT_CATEGORIES } from '../../src-main/contract/categories.js';
import { parseInput, settingsPatchSchema } from '../../src-main/contract/schemas.js';
import { clockJumpDetector } from '../../src-main/engine/clock-jump.js';

describe('categoryOf', () => {
  it.each([
    ['movie.MKV', 'video'],
    ['track.flac', 'music'],
    ['paper.pdf', 'documents'],
    ['src.tar.gz', 'archives'],
    ['setup.exe', 'programs'],
    ['README', 'other'],
    ['.mp4', 'other'],
    ['archive.mp4.exe', 'programs'],
  ])('%s is %s', (name, id) => {
    expect(categoryOf(name, DEFAULT_CATEGORIES)).toBe(id);
  });

  it('the longest matching extension wins; between equals, the category listed first', () => {
    const categories: Category[] = DEFAULT_CATEGORIES.map((c) => (c.id === 'documents' ? { ...c, extensions: ['gz'] } : c));
    expect(categoryOf('x.tar.gz', categories)).toBe('archives');
    expect(categoryOf('x.gz', categories)).toBe('documents');
  });
});

describe('the settings schema for schedules and categories', () => {
  const patch = (value: unknown) => () => parseInput(settingsPatchSchema, value);

  it('takes windows and lowers extensions', () => {
    expect(parseInput(settingsPatchSchema, { queue_schedule: { start: '01:00', stop: '07:00', days: [1, 2] } }).queue_schedule).toEqual({
      start: '01:00',
      stop: '07:00',
      days: [1, 2],
    });
    const categories = DEFAULT_CATEGORIES.map((c) => (c.id === 'video' ? { ...c, extensions: ['MKV'] } : c));
    expect(parseInput(settingsPatchSchema, { categories }).categories?.[0]?.extensions).toEqual(['mkv']);
  });

  it.each([
    ['a time past 23:59', { queue_schedule: { start: '24:00', stop: '07:00', days: [1] } }, 'queue_schedule.start'],
    ['no day', { queue_schedule: { start: '01:00', stop: '07:00', days: [] } }, 'queue_schedule.days'],
    ['a day 7', { queue_schedule: { start: '01:00', stop: '07:00', days: [7] } }, 'queue_schedule.days.0'],
    ['a limit under 1 KiB/s', { speed_schedule: { start: '09:00', stop: '18:00', days: [1], limit: 10 } }, 'speed_schedule.limit'],
    ['five categories', { categories: DEFAULT_CATEGORIES.slice(1) }, 'categories'],
    ['one id twice', { categories: [...DEFAULT_CATEGORIES.slice(1), DEFAULT_CATEGORIES[1]] }, 'categories'],
    ['two categories in one folder', { categories: DEFAULT_CATEGORIES.map((c) => ({ ...c, folder: 'Same' })) }, 'categories'],
    ['an extension with a slash', { categories: DEFAULT_CATEGORIES.map((c) => ({ ...c, extensions: ['a/b'] })) }, 'categories.0.extensions.0'],
  ])('refuses %s, naming the field', (_, value, field) => {
    expect(patch(value)).toThrow(`${field}:`);
  });
});

describe('clockJumpDetector', () => {
  it('tells a sleep (the wall clock ran ahead of the monotonic one) from time passing awake', () => {
    let wall = 1_000_000;
    let monotonic = 50;
    const slept = clockJumpDetector(() => wall, () => monotonic);
    wall += 60_000;
    monotonic += 60_000;
    expect(slept()).toBe(false);
    wall += 3_600_000;
    monotonic += 5;
    expect(slept()).toBe(true);
    expect(slept()).toBe(false);
    // A small NTP step is no sleep.
    wall += 2_000;
    expect(slept()).toBe(false);
  });
});
