/** Settings patches that must be refused (see fuzz-inputs.ts). */
import { INVALID_SPEED_LIMITS } from './fuzz-invalid-bodies.js';
import { hostileJson, objectOf, poisoned, pollutionAttempt, RawJson } from './fuzz-json-values.js';
import type { Rng } from './fuzz-rng-and-strings.js';

/** Settings fields with values each one's schema refuses. */
const INVALID_SETTINGS: Record<string, readonly unknown[]> = {
  max_attempts: [0, 101, 1.5, -1, '5', null, true, [], new RawJson('1e999')],
  initial_delay_seconds: [0, 0.09, 601, -1, '2', null, new RawJson('-0.0'), new RawJson('1e999')],
  backoff: ['linear', '', 'EXPONENTIAL', null, 1, ['fixed']],
  stall_timeout_seconds: [0.5, 3601, '30', null, new RawJson('-1e999')],
  max_concurrent: [0, 21, 2.5, '3', null],
  connections: [0, 17, 1.5, '4', null],
  speed_limit: INVALID_SPEED_LIMITS,
  download_dir: ['', 'relative', '../..', '~/Downloads', 'C:relative', '/tmp/a\0b', `/${'d'.repeat(4100)}`, 1, null, []],
  s3_region: ['EU', 'eu west', '', 'r'.repeat(65), 'eu_west_1', 1],
  s3_endpoint: ['ftp://127.0.0.1:9', 'not a url', '', 'javascript:alert(1)', 1, true],
  s3_force_path_style: ['true', 1, 0, 'yes', []],
  s3_access_key_id: ['a-b', '', 'k'.repeat(129), 'AKIA ABC', 1, true],
  s3_secret_access_key: ['', 's'.repeat(513), 1, true, [], {}],
  s3_profile: ['a b', '', 'p'.repeat(65), '../default', 1],
  catalog: [
    'media',
    1,
    [],
    {},
    objectOf([['bucket', 'media']]),
    objectOf([
      ['bucket', 'a/b'],
      ['key_template', 'v/{content_id}'],
      ['filename_template', '{content_id}.mp4'],
    ]),
    objectOf([
      ['bucket', 'media'],
      ['key_template', 'v/{other}'],
      ['filename_template', '{content_id}.mp4'],
    ]),
    objectOf([
      ['bucket', 'media'],
      ['key_template', 'v/{content_id}'],
      ['filename_template', '{content_id}.mp4'],
      ['qualities', []],
    ]),
    objectOf([
      ['bucket', 'media'],
      ['key_template', 'v/{content_id}'],
      ['filename_template', '{content_id}.mp4'],
      ['qualities', ['720p', '../x']],
    ]),
    objectOf([
      ['bucket', 'media'],
      ['key_template', 'v/{content_id}'],
      ['filename_template', '{content_id}.mp4'],
      ['extra', 1],
    ]),
  ],
};

/** Settings values that are valid: noise beside a poison (a patch is refused as a whole). */
const VALID_SETTINGS: readonly [string, unknown][] = [
  ['max_attempts', 7],
  ['initial_delay_seconds', 5],
  ['backoff', 'fixed'],
  ['max_concurrent', 2],
  ['speed_limit', 4096],
  ['download_dir', '/tmp/steadfast-fuzz-never-used'],
  ['s3_region', 'eu-west-1'],
  ['s3_secret_access_key', 'fuzz-secret-never-stored'],
  ['s3_access_key_id', 'AKIAFUZZ'],
];

/** A body for PATCH /api/settings (or the IPC `updateSettings`) that must be refused. */
export function invalidSettingsPatch(rng: Rng): unknown {
  const roll = rng.int(0, 9);
  if (roll === 0) return rng.pick<unknown>([null, true, 0, '', 'max_attempts=7', [], [objectOf([['max_attempts', 7]])], new RawJson('1e999')]);
  const entries: [string, unknown][] = [];
  if (roll <= 6) {
    const field = rng.pick(Object.keys(INVALID_SETTINGS));
    entries.push([field, rng.pick(INVALID_SETTINGS[field]!)]);
  } else if (roll <= 8) {
    // A key the schema does not know (strict): read-only fields, near misses, prototype names.
    entries.push([
      rng.pick([
        's3_secret_access_key_set',
        'MAX_ATTEMPTS',
        'max_attempts ',
        'maxAttempts',
        'token',
        'data_dir',
        'constructor',
        'prototype',
        'toString',
        'hasOwnProperty',
        'x',
        '',
      ]),
      rng.chance(0.5) ? 7 : hostileJson(rng, 1),
    ]);
  } else {
    return pollutionAttempt(rng);
  }
  return poisoned(rng, entries, Array.from({ length: rng.int(0, 3) }, () => rng.pick(VALID_SETTINGS)));
}
