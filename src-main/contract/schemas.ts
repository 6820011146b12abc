import { z } from 'zod';
import { ApiRequestError } from './api-error.js';
import { BACKOFF_KINDS } from './settings.js';

const httpUrl = z
  .string()
  .max(8192, 'url is longer than 8192 characters')
  .refine((value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, 'url must be an absolute http:// or https:// URL');

/** Absolute paths only: a relative folder would depend on whichever directory the engine started in. */
const absoluteDir = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !value.includes('\0'), 'folder must not contain NUL characters')
  .refine(
    (value) => value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\'),
    'folder must be an absolute path',
  );

export const downloadIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'id must be 1–64 letters, digits, "-" or "_"');

export const addRequestSchema = z.strictObject({
  url: httpUrl,
  /** A file name wins over the URL's and the server's; it is still sanitised. */
  filename: z.string().min(1).max(255).optional(),
  dest_dir: absoluteDir.optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hexadecimal characters')
    .transform((value) => value.toLowerCase())
    .optional(),
});
export type AddRequest = z.input<typeof addRequestSchema>;

export const changeSourceSchema = z.strictObject({ url: httpUrl });

export const removeOptionsSchema = z.strictObject({ delete_file: z.boolean().optional() });
export type RemoveOptions = z.input<typeof removeOptionsSchema>;

export const settingsPatchSchema = z.strictObject({
  max_attempts: z.number().int().min(1).max(100).optional(),
  initial_delay_seconds: z.number().min(0.1).max(600).optional(),
  backoff: z.enum(BACKOFF_KINDS).optional(),
  stall_timeout_seconds: z.number().min(1).max(3600).optional(),
  max_concurrent: z.number().int().min(1).max(20).optional(),
  download_dir: absoluteDir.optional(),
});
export type SettingsPatch = z.input<typeof settingsPatchSchema>;

/**
 * Validates untrusted input from any transport. The message names the offending field so a
 * user (or a script) can fix the request without reading our source.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ApiRequestError('INVALID_ARGUMENT', `${field}${issue?.message ?? 'invalid input'}`);
}
