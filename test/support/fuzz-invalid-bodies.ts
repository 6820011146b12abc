/** Bodies for starting or patching a download that must be refused (see fuzz-inputs.ts). */
import { hostileJson, objectOf, poisoned, pollutionAttempt, RawJson, shuffle } from './fuzz-json-values.js';
import { HARMLESS_URL, type Rng, withoutColon } from './fuzz-rng-and-strings.js';

/** A string that is not a download address: a wrong type is handled by the callers. */
function invalidUrlString(rng: Rng): string {
  switch (rng.int(0, 6)) {
    case 0:
      return withoutColon(rng);
    case 1:
      return `${HARMLESS_URL}?${'a'.repeat(rng.int(8200, 9000))}`; // over 8192 characters
    case 2:
      return rng.pick([
        'file:///etc/passwd',
        'javascript:alert(1)',
        'data:text/plain,hi',
        'ftp://127.0.0.1:9/x',
        'gopher://127.0.0.1:9/x',
        'ws://127.0.0.1:9/',
        'mailto:a@b.c',
        'chrome://settings',
        'blob:http://127.0.0.1:9/x',
        'about:blank',
      ]);
    case 3:
      return rng.pick(['s3://', 's3://bucket', 's3://bucket/', 's3:///key', 's3://bu cket/key', 's3://bucket/\0', 's3://a\0b/key']);
    case 4:
      return rng.pick(['http://', 'https://', 'http://[::1', 'http://%zz/', 'http://a b/', 'http:///', 'http://:9/', '//127.0.0.1:9/x']);
    case 5:
      return `s3://${'b'.repeat(256)}/key`; // bucket over 255 characters
    default:
      return `s3://bucket/${'k'.repeat(1025)}`; // key over 1024 characters
  }
}

/** Anything but a valid url value: wrong types included. */
export function invalidUrlValue(rng: Rng): unknown {
  return rng.chance(0.75) ? invalidUrlString(rng) : notAString(rng);
}

function notAString(rng: Rng): unknown {
  return rng.pick<unknown>([
    null,
    true,
    0,
    1e308,
    new RawJson('1e999'),
    [],
    [HARMLESS_URL],
    {},
    objectOf([['href', HARMLESS_URL]]),
    pollutionAttempt(rng),
  ]);
}

export const INVALID_SPEED_LIMITS: readonly unknown[] = [
  1023,
  0,
  -1,
  1024.5,
  1e13,
  '2048',
  '',
  true,
  [],
  {},
  new RawJson('1e999'),
  new RawJson('-1e999'),
  new RawJson('123456789012345678901234567890'),
];

/** One add-request option with a value its schema refuses, or a key no schema knows. */
function invalidOption(rng: Rng): [string, unknown] {
  switch (rng.int(0, 5)) {
    case 0:
      return ['speed_limit', rng.pick(INVALID_SPEED_LIMITS)];
    case 1:
      return ['filename', rng.pick<unknown>(['', 'n'.repeat(256), '\u00e9'.repeat(300), 5, null, [], {}])];
    case 2:
      return [
        'dest_dir',
        rng.pick<unknown>(['', 'relative/dir', '../../etc', '~/Downloads', 'C:relative', '/tmp/a\0b', `/${'d'.repeat(4100)}`, 1, null, []]),
      ];
    case 3:
      return ['sha256', rng.pick<unknown>(['a'.repeat(63), 'a'.repeat(65), 'g'.repeat(64), '', 1, null])];
    case 4:
      return [rng.pick(['URL', 'extra', 'id', 'status', 'path', '$where', 'S3', 'priority', 'x']), hostileJson(rng, 1)];
    default:
      return [rng.pick(['max_attempts', 'download_dir', 'total_bytes']), hostileJson(rng, 1)];
  }
}

/** Options that are valid (or merely hostile-looking) and so never make a request invalid on their own. */
function noiseOptions(rng: Rng): [string, unknown][] {
  const options: [string, unknown][] = [];
  if (rng.chance(0.3)) options.push(['filename', rng.pick(['../../etc/passwd', 'CON', '\u202eexe.txt', 'a/b\\c', 'x'.repeat(200)])]);
  if (rng.chance(0.2)) options.push(['speed_limit', rng.pick([null, 1024, 1e12])]);
  if (rng.chance(0.2)) options.push(['sha256', 'A'.repeat(64)]);
  return options;
}

/** A body for POST /api/downloads/start (or the IPC `add`) that must be refused. */
export function invalidAddRequest(rng: Rng): unknown {
  switch (rng.int(0, 9)) {
    case 0:
      // Not an object at all.
      return rng.pick<unknown>([null, true, 0, '', HARMLESS_URL, [HARMLESS_URL], [objectOf([['url', HARMLESS_URL]])], new RawJson('1e999')]);
    case 1:
      // None of the three forms.
      return poisoned(rng, [[rng.pick(['URL', 'link', 'href', 'source', 's3_url', 'uri']), HARMLESS_URL]], noiseOptions(rng));
    case 2:
    case 3:
      return poisoned(rng, [['url', invalidUrlValue(rng)]], noiseOptions(rng));
    case 4:
    case 5:
      // A valid URL and one invalid option.
      return poisoned(rng, [['url', HARMLESS_URL], invalidOption(rng)], noiseOptions(rng));
    case 6:
      return poisoned(rng, [['s3', invalidS3(rng)]], noiseOptions(rng));
    case 7:
      // Two forms at once.
      return objectOf(
        shuffle(rng, [
          ['url', HARMLESS_URL],
          [rng.pick(['s3', 'content_id']), rng.pick<unknown>([objectOf([['bucket', 'b'], ['key', 'k']]), 'abc123'])],
        ]),
      );
    case 8:
      // The catalog form: no catalog is configured, and the fields are often wrong too.
      return poisoned(
        rng,
        [
          ['content_id', rng.pick<unknown>(['abc123', '../x', '', '.hidden', 'a'.repeat(129), 5, null])],
          ['quality', rng.pick<unknown>(['720p', '', 'q'.repeat(33), 1, null])],
        ],
        noiseOptions(rng),
      );
    default:
      return pollutionAttempt(rng);
  }
}

function invalidS3(rng: Rng): unknown {
  const fields: [string, unknown][] = [
    ['bucket', 'media'],
    ['key', 'videos/a.mp4'],
  ];
  switch (rng.int(0, 6)) {
    case 0:
      return rng.pick<unknown>([null, 's3://media/a.mp4', [], 5, true]);
    case 1:
      fields.splice(rng.int(0, 1), 1); // bucket or key missing
      break;
    case 2:
      fields[0] = ['bucket', rng.pick<unknown>(['', 'a/b', 'a b', 'a\0b', 'b'.repeat(256), 5, null, ['media']])];
      break;
    case 3:
      fields[1] = ['key', rng.pick<unknown>(['', 'k'.repeat(1025), 'a\0b', 5, null, {}])];
      break;
    case 4:
      fields.push(['region', rng.pick<unknown>(['EU-WEST-1', 'eu west 1', '', 'r'.repeat(65), 'eu_west_1', 1, null])]);
      break;
    case 5:
      fields.push(['endpoint', rng.pick<unknown>(['ftp://127.0.0.1:9', 'not a url', '', 'file:///tmp', 1, null])]);
      break;
    default:
      fields.push([rng.pick(['acl', 'Bucket', 'versionId', '__proto__', 'credentials']), hostileJson(rng, 1)]);
  }
  return objectOf(shuffle(rng, fields));
}

/** A body for PATCH /api/downloads/:id that must be refused, whatever the download's state. */
export function invalidDownloadPatch(rng: Rng): unknown {
  switch (rng.int(0, 5)) {
    case 0:
      return rng.pick<unknown>([null, true, 0, '', HARMLESS_URL, [], [objectOf([['url', HARMLESS_URL]])], {}]);
    case 1:
      // Not exactly one of the two keys.
      return rng.pick<unknown>([
        objectOf([
          ['url', HARMLESS_URL],
          ['speed_limit', 2048],
        ]),
        objectOf([['URL', HARMLESS_URL]]),
        objectOf([['Speed_Limit', 2048]]),
        objectOf([
          ['url', HARMLESS_URL],
          ['x', 1],
        ]),
        objectOf([['status', 'completed']]),
        objectOf([['filename', '../../etc/passwd']]),
        objectOf([['dest_dir', '/etc']]),
      ]);
    case 2:
    case 3:
      return objectOf([['url', invalidUrlValue(rng)]]);
    case 4:
      return objectOf([['speed_limit', rng.pick(INVALID_SPEED_LIMITS)]]);
    default:
      return pollutionAttempt(rng);
  }
}
