import * as z from 'zod';
import { ApiRequestError } from './api-error.js';
import { requestHeadersSchema } from './request-headers.js';
import { categoriesSchema, speedWindowSchema, timeWindowSchema } from './schedule-and-sorting-schemas.js';
import { BACKOFF_KINDS, DEFAULT_QUALITIES, LANGUAGE_SETTINGS, PROXY_PROTOCOLS } from './settings.js';

/**
 * The OS these schemas judge folders for. Only the main process parses with them (the page and
 * the preload import types alone, ARCHITECTURE.md §7), so `process` is there; contract/ takes no
 * Node import, hence the look through globalThis.
 */
const RUNNING_PLATFORM = (globalThis as { process?: { platform?: string } }).process?.platform ?? 'linux';

/**
 * Absolute on `platform` only: a folder names a place on this machine's file system. `C:\x` on
 * Linux (or `/x` on Windows, which means "on the current drive") is a relative path there, and
 * would land under whatever directory the engine started in. Windows takes a drive or a
 * `\\server\share`, not the `\\.\` and `\\?\` device and verbatim forms.
 */
export function isAbsoluteFolder(path: string, platform: string = RUNNING_PLATFORM): boolean {
  if (platform === 'win32') return /^[A-Za-z]:[\\/]/.test(path) || /^[\\/]{2}[^\\/.?][^\\/]*[\\/][^\\/]/.test(path);
  return path.startsWith('/');
}

const ABSOLUTE_FOLDER_RULE =
  RUNNING_PLATFORM === 'win32'
    ? 'folder must be an absolute path on this machine: a drive (C:\\…) or \\\\server\\share'
    : 'folder must be an absolute path on this machine, starting with "/"';

const absoluteDir = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !value.includes('\0'), 'folder must not contain NUL characters')
  .refine((value) => isAbsoluteFolder(value), ABSOLUTE_FOLDER_RULE);

const absoluteFile = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => !value.includes('\0'), 'path must not contain NUL characters')
  .refine((value) => isAbsoluteFolder(value), ABSOLUTE_FOLDER_RULE.replace('folder', 'path'));

export const downloadIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'id must be 1–64 letters, digits, "-" or "_"');

const S3_URL = /^s3:\/\/([^/]+)\/(.+)$/s;

/** `s3://bucket/key` as typed in a terminal: the key is taken literally, not percent-decoded. */
export function parseS3Url(value: string): { bucket: string; key: string } | null {
  const match = S3_URL.exec(value);
  return match ? { bucket: match[1]!, key: match[2]! } : null;
}

const bucketName = z
  .string()
  .min(1, 'bucket must not be empty')
  .max(255)
  .regex(/^[^/\s\0]+$/, 'bucket must not contain "/", spaces or NUL');
const objectKey = z
  .string()
  .min(1, 'key must not be empty')
  .max(1024)
  .refine((value) => !value.includes('\0'), 'key must not contain NUL characters');

/** A download address: http(s)://… or s3://bucket/key. */
const sourceUrl = z
  .string()
  .max(8192, 'url is longer than 8192 characters')
  .refine((value) => {
    if (value.startsWith('s3://')) {
      const parsed = parseS3Url(value);
      return parsed !== null && bucketName.safeParse(parsed.bucket).success && objectKey.safeParse(parsed.key).success;
    }
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, 'url must be an absolute http:// or https:// URL, or s3://bucket/key');

const endpointUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, 'endpoint must be an http:// or https:// URL');

/** "system", "none" or a proxy's URL: scheme, host and port, maybe a user and password, nothing else. */
const proxySetting = z
  .string()
  .max(2048)
  .refine((value) => {
    if (value === 'system' || value === 'none') return true;
    try {
      const url = new URL(value);
      return PROXY_PROTOCOLS.has(url.protocol) && url.hostname !== '' && (url.pathname === '' || url.pathname === '/') && url.search === '' && url.hash === '';
    } catch {
      return false;
    }
  }, 'proxy must be "system", "none" or a URL such as http://host:3128 (http, https, socks5 or socks4)');

const region = z.string().regex(/^[a-z0-9-]{1,64}$/, 'region must look like "eu-west-1"');

/** Bytes per second: at least 1 KiB/s (slower would look like a stall), or null for none. */
const speedLimit = z.number().int('speed_limit is whole bytes per second').min(1024).max(1e12).nullable();

const requestOptions = {
  speed_limit: speedLimit.optional(),
  /** A file name wins over the source's; it is still sanitised. */
  filename: z.string().min(1).max(255).optional(),
  dest_dir: absoluteDir.optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hexadecimal characters')
    .transform((value) => value.toLowerCase())
    .optional(),
};

export const urlRequestSchema = z.strictObject({
  url: sourceUrl,
  /** Sent on every request of this download; kept in the secret store, never shown (ARCHITECTURE.md §6). */
  headers: requestHeadersSchema.optional(),
  ...requestOptions,
});
export const s3RequestSchema = z.strictObject({
  s3: z.strictObject({ bucket: bucketName, key: objectKey, region: region.optional(), endpoint: endpointUrl.optional() }),
  ...requestOptions,
});
/** Letters, digits, ".", "_" and "-" only: a content id can never climb out of its key prefix. */
export const catalogRequestSchema = z.strictObject({
  content_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'content_id must be 1–128 letters, digits, ".", "_" or "-"'),
  quality: z.string().min(1).max(32),
  ...requestOptions,
});

export type UrlRequest = z.output<typeof urlRequestSchema>;
export type S3Request = z.output<typeof s3RequestSchema>;
export type CatalogRequest = z.output<typeof catalogRequestSchema>;
export type AddRequest = z.input<typeof urlRequestSchema> | z.input<typeof s3RequestSchema> | z.input<typeof catalogRequestSchema>;
export type ParsedAddRequest = UrlRequest | S3Request | CatalogRequest;

/** Picks the request's form by its key, so errors speak about that form, not a union. */
export function parseAddRequest(input: unknown): ParsedAddRequest {
  const has = (key: string) => typeof input === 'object' && input !== null && Object.hasOwn(input, key);
  if (has('url')) return parseInput(urlRequestSchema, input);
  if (has('s3')) return parseInput(s3RequestSchema, input);
  if (has('content_id')) return parseInput(catalogRequestSchema, input);
  throw new ApiRequestError('INVALID_ARGUMENT', 'A download needs one of: url, s3 {bucket, key}, or content_id with quality');
}

export const changeSourceSchema = z.strictObject({ url: sourceUrl });
export const speedLimitSchema = z.strictObject({ speed_limit: speedLimit });

export const removeOptionsSchema = z.strictObject({ delete_file: z.boolean().optional() });
export type RemoveOptions = z.input<typeof removeOptionsSchema>;

const TEMPLATE_FIELDS = /\{(content_id|quality)\}/g;
const template = (name: string) =>
  z
    .string()
    .min(1)
    .max(1024)
    .refine((value) => !/[{}]/.test(value.replace(TEMPLATE_FIELDS, '')), `${name} may only use {content_id} and {quality}`);

export const catalogSchema = z.strictObject({
  bucket: bucketName,
  key_template: template('key_template'),
  filename_template: template('filename_template'),
  qualities: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'each quality is 1–32 letters, digits, "_" or "-"'))
    .min(1)
    .max(20)
    .default(DEFAULT_QUALITIES),
});

export const settingsPatchSchema = z.strictObject({
  max_attempts: z.number().int().min(1).max(100).optional(),
  initial_delay_seconds: z.number().min(0.1).max(600).optional(),
  backoff: z.enum(BACKOFF_KINDS).optional(),
  stall_timeout_seconds: z.number().min(1).max(3600).optional(),
  max_concurrent: z.number().int().min(1).max(20).optional(),
  connections: z.number().int().min(1).max(16).optional(),
  speed_limit: speedLimit.optional(),
  download_dir: absoluteDir.optional(),
  s3_region: region.nullable().optional(),
  s3_endpoint: endpointUrl.nullable().optional(),
  s3_force_path_style: z.boolean().nullable().optional(),
  s3_access_key_id: z.string().regex(/^[A-Za-z0-9]{1,128}$/, 's3_access_key_id must be letters and digits').nullable().optional(),
  /** Write-only: stored in the secret store, never returned; null forgets it. */
  s3_secret_access_key: z.string().min(1).max(512).nullable().optional(),
  s3_profile: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 's3_profile must be a profile name').nullable().optional(),
  catalog: catalogSchema.nullable().optional(),
  allow_insecure_redirects: z.boolean().optional(),
  watch_clipboard: z.boolean().optional(),
  /** A password in the URL goes to the secret store; the URL is stored without it. */
  proxy: proxySetting.optional(),
  /** Write-only: stored in the secret store, never returned; null forgets it. */
  proxy_password: z.string().min(1).max(512).nullable().optional(),
  ca_file: absoluteFile.nullable().optional(),
  queue_schedule: timeWindowSchema.nullable().optional(),
  speed_schedule: speedWindowSchema.nullable().optional(),
  sort_by_category: z.boolean().optional(),
  categories: categoriesSchema.optional(),
  prevent_sleep: z.boolean().optional(),
  language: z.enum(LANGUAGE_SETTINGS).optional(),
});
export type SettingsPatch = z.input<typeof settingsPatchSchema>;
export type ParsedSettingsPatch = z.output<typeof settingsPatchSchema>;

/**
 * JSON-like data only. Electron's IPC clones Dates, Maps and class instances, which object
 * schemas would otherwise read as `{}`.
 */
function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > 32) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => isPlainData(item, depth + 1));
}

/**
 * Validates untrusted input from any transport. The message names the offending field so a
 * user (or a script) can fix the request without reading our source.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  if (!isPlainData(input)) {
    throw new ApiRequestError('INVALID_ARGUMENT', 'Arguments must be plain JSON values (no Date, Map, Set or class instances)');
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ApiRequestError('INVALID_ARGUMENT', `${field}${issue?.message ?? 'invalid input'}`);
}
