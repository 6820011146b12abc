import * as z from 'zod';
import { CATEGORY_IDS } from './categories.js';
import { TIME_OF_DAY } from './time-windows.js';

const timeOfDay = z.string().regex(TIME_OF_DAY, 'a time of day is "HH:MM", 00:00 to 23:59');

const days = z
  .array(z.number().int().min(0).max(6))
  .min(1, 'days must name at least one day (0 = Sunday … 6 = Saturday)')
  .max(7)
  .refine((list) => new Set(list).size === list.length, 'days must not repeat');

/** When the queue runs (ARCHITECTURE.md §2 "Schedules"). */
export const timeWindowSchema = z.strictObject({ start: timeOfDay, stop: timeOfDay, days });

/** A speed limit for part of the day; at least 1 KiB/s like every limit (§5). */
export const speedWindowSchema = z.strictObject({
  start: timeOfDay,
  stop: timeOfDay,
  days,
  limit: z.number().int('limit is whole bytes per second').min(1024).max(1e12),
});

/**
 * One folder name that stays inside the download folder on every OS: no separators, no "." or
 * "..", no leading dot, no characters Windows forbids, no trailing dot or space. The engine checks
 * again with its file-name rules (ARCHITECTURE.md §4) before using it.
 */
const folderName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\\/:*?"<>|\p{Cc}\p{Cf}]+$/u, 'a category folder is one folder name: no / \\ : * ? " < > | or control characters')
  .refine((name) => !name.startsWith('.') && !/[. ]$/.test(name), 'a category folder must not start with "." or end with "." or a space');

const extension = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,15}$/, 'an extension is 1–16 letters, digits or . + _ - (no leading dot)')
  .transform((value) => value.toLowerCase());

export const categoriesSchema = z
  .array(z.strictObject({ id: z.enum(CATEGORY_IDS), folder: folderName, extensions: z.array(extension).max(200) }))
  .length(CATEGORY_IDS.length)
  .refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'categories must list each category once')
  .refine(
    (list) => new Set(list.map((c) => c.folder.toLowerCase())).size === list.length,
    'each category needs its own folder',
  );
