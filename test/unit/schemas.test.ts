import { describe, it, expect } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import {
  isAbsoluteFolder,
  parseAddRequest,
  parseS3Url,
  urlRequestSchema,
  changeSourceSchema,
  downloadIdSchema,
  parseInput,
  removeOptionsSchema,
  settingsPatchSchema,
} from '../../src-main/contract/schemas.js';

function refusal(schema: Parameters<typeof parseInput>[0], input: unknown): ApiRequestError {
  try {
    parseInput(schema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiRequestError);
    return error as ApiRequestError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

const HASH = '0123456789abcdef'.repeat(4);

describe('addRequestSchema', () => {
  it('accepts http and https URLs and keeps them as given', () => {
    expect(parseAddRequest({ url: 'http://example.com/a.bin' })).toEqual({ url: 'http://example.com/a.bin' });
    expect(parseAddRequest({ url: 'https://127.0.0.1:8443/x?y=1#z' })).toEqual({
      url: 'https://127.0.0.1:8443/x?y=1#z',
    });
    expect(parseAddRequest({ url: 'HTTPS://EXAMPLE.COM/A' })).toEqual({ url: 'HTTPS://EXAMPLE.COM/A' });
  });

  it('accepts every optional field', () => {
    const request = { url: 'https://example.com/a.iso', filename: 'linux.iso', dest_dir: '/data/isos', sha256: HASH };
    expect(parseAddRequest(request)).toEqual(request);
  });

  it('refuses Windows drive and UNC folders on this POSIX machine, where they would be relative', () => {
    for (const dest_dir of ['C:\\evil', 'd:/dl', '\\\\host\\share', '\\\\nas\\share\\dl']) {
      const error = refusal(urlRequestSchema, { url: 'https://e.com/', dest_dir });
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toBe('dest_dir: folder must be an absolute path on this machine, starting with "/"');
    }
  });

  it.each(['ftp://example.com/a', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,hi', 'ws://e.com/'])(
    'refuses the scheme of %s',
    (url) => {
      const error = refusal(urlRequestSchema, { url });
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toBe('url: url must be an absolute http:// or https:// URL, or s3://bucket/key');
    },
  );

  it.each(['/files/a.bin', 'example.com/a.bin', '//example.com/a.bin', '', 'http//example.com'])(
    'refuses the relative or broken URL %j',
    (url) => {
      expect(refusal(urlRequestSchema, { url }).message).toBe('url: url must be an absolute http:// or https:// URL, or s3://bucket/key');
    },
  );

  it('refuses a URL over 8192 characters', () => {
    const url = `https://example.com/${'a'.repeat(8192)}`;
    expect(refusal(urlRequestSchema, { url }).message).toBe('url: url is longer than 8192 characters');
  });

  it.each([5, null, true, ['https://e.com/'], { href: 'https://e.com/' }])('refuses a non-string url %j', (url) => {
    const error = refusal(urlRequestSchema, { url });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^url: Invalid input: expected string, received /);
  });

  it('refuses a missing url', () => {
    expect(refusal(urlRequestSchema, {}).message).toBe('url: Invalid input: expected string, received undefined');
  });

  it('refuses a non-object request', () => {
    for (const input of ['https://e.com/', null, 42, undefined]) {
      const error = refusal(urlRequestSchema, input);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/^Invalid input: expected object, received /);
    }
  });

  it('is strict: unknown keys are refused and named', () => {
    const error = refusal(urlRequestSchema, { url: 'https://e.com/', priority: 'high' });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('Unrecognized key: "priority"');
  });

  it('refuses a relative dest_dir', () => {
    for (const dest_dir of ['downloads', './downloads', '../etc', 'C:relative', '~/Downloads']) {
      expect(refusal(urlRequestSchema, { url: 'https://e.com/', dest_dir }).message).toBe(
        'dest_dir: folder must be an absolute path on this machine, starting with "/"',
      );
    }
  });

  it('refuses a NUL in dest_dir', () => {
    expect(refusal(urlRequestSchema, { url: 'https://e.com/', dest_dir: '/data/\0/x' }).message).toBe(
      'dest_dir: folder must not contain NUL characters',
    );
  });

  it('refuses an empty dest_dir and an empty or overlong filename', () => {
    expect(refusal(urlRequestSchema, { url: 'https://e.com/', dest_dir: '' }).message).toMatch(/^dest_dir: /);
    expect(refusal(urlRequestSchema, { url: 'https://e.com/', filename: '' }).message).toMatch(/^filename: /);
    expect(refusal(urlRequestSchema, { url: 'https://e.com/', filename: 'a'.repeat(256) }).message).toMatch(
      /^filename: /,
    );
    expect(parseAddRequest({ url: 'https://e.com/', filename: 'a'.repeat(255) }).filename).toHaveLength(255);
  });

  it('lowercases sha256', () => {
    expect(parseAddRequest({ url: 'https://e.com/', sha256: HASH.toUpperCase() }).sha256).toBe(HASH);
  });

  it.each([HASH.slice(1), `${HASH}0`, `${HASH.slice(1)}g`, ` ${HASH.slice(1)}`, ''])('refuses the sha256 %j', (sha256) => {
    expect(refusal(urlRequestSchema, { url: 'https://e.com/', sha256 }).message).toBe(
      'sha256: sha256 must be 64 hexadecimal characters',
    );
  });

  it('refuses __proto__ and constructor keys (no prototype games)', () => {
    const proto = JSON.parse('{"url":"https://e.com/","__proto__":{"polluted":true}}') as unknown;
    expect(refusal(urlRequestSchema, proto).message).toBe('Unrecognized key: "__proto__"');
    const ctor = JSON.parse('{"url":"https://e.com/","constructor":{"prototype":{"polluted":true}}}') as unknown;
    expect(refusal(urlRequestSchema, ctor).message).toBe('Unrecognized key: "constructor"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('changeSourceSchema and removeOptionsSchema', () => {
  it('changeSource takes exactly one http(s) url', () => {
    expect(parseInput(changeSourceSchema, { url: 'https://mirror.example.org/a' })).toEqual({
      url: 'https://mirror.example.org/a',
    });
    expect(refusal(changeSourceSchema, { url: 'ftp://e.com/a' }).message).toBe(
      'url: url must be an absolute http:// or https:// URL, or s3://bucket/key',
    );
    expect(refusal(changeSourceSchema, { url: 'https://e.com/', filename: 'x' }).message).toBe(
      'Unrecognized key: "filename"',
    );
  });

  it('remove options take an optional boolean delete_file', () => {
    expect(parseInput(removeOptionsSchema, {})).toEqual({});
    expect(parseInput(removeOptionsSchema, { delete_file: true })).toEqual({ delete_file: true });
    expect(refusal(removeOptionsSchema, { delete_file: 'yes' }).message).toMatch(/^delete_file: /);
  });
});

describe('settingsPatchSchema', () => {
  it('accepts an empty patch and every field at its limits', () => {
    expect(parseInput(settingsPatchSchema, {})).toEqual({});
    const low = {
      max_attempts: 1,
      initial_delay_seconds: 0.1,
      backoff: 'fixed',
      stall_timeout_seconds: 1,
      max_concurrent: 1,
      download_dir: '/data',
    };
    expect(parseInput(settingsPatchSchema, low)).toEqual(low);
    const high = {
      max_attempts: 100,
      initial_delay_seconds: 600,
      backoff: 'exponential',
      stall_timeout_seconds: 3600,
      max_concurrent: 20,
    };
    expect(parseInput(settingsPatchSchema, high)).toEqual(high);
  });

  it('max_attempts is an integer from 1 to 100', () => {
    expect(refusal(settingsPatchSchema, { max_attempts: 0 }).message).toBe(
      'max_attempts: Too small: expected number to be >=1',
    );
    expect(refusal(settingsPatchSchema, { max_attempts: 101 }).message).toBe(
      'max_attempts: Too big: expected number to be <=100',
    );
    expect(refusal(settingsPatchSchema, { max_attempts: 2.5 }).message).toMatch(/^max_attempts: /);
    expect(refusal(settingsPatchSchema, { max_attempts: '5' }).message).toMatch(/^max_attempts: /);
    expect(refusal(settingsPatchSchema, { max_attempts: Number.NaN }).message).toMatch(/^max_attempts: /);
  });

  it('initial_delay_seconds is a number from 0.1 to 600', () => {
    expect(parseInput(settingsPatchSchema, { initial_delay_seconds: 2.5 })).toEqual({ initial_delay_seconds: 2.5 });
    expect(refusal(settingsPatchSchema, { initial_delay_seconds: 0.09 }).message).toBe(
      'initial_delay_seconds: Too small: expected number to be >=0.1',
    );
    expect(refusal(settingsPatchSchema, { initial_delay_seconds: 600.5 }).message).toBe(
      'initial_delay_seconds: Too big: expected number to be <=600',
    );
    expect(refusal(settingsPatchSchema, { initial_delay_seconds: Number.POSITIVE_INFINITY }).message).toMatch(
      /^initial_delay_seconds: /,
    );
  });

  it('backoff is exponential or fixed', () => {
    expect(refusal(settingsPatchSchema, { backoff: 'linear' }).message).toBe(
      'backoff: Invalid option: expected one of "exponential"|"fixed"',
    );
  });

  it('stall_timeout_seconds is from 1 to 3600', () => {
    expect(parseInput(settingsPatchSchema, { stall_timeout_seconds: 30 })).toEqual({ stall_timeout_seconds: 30 });
    expect(refusal(settingsPatchSchema, { stall_timeout_seconds: 0.5 }).message).toMatch(/^stall_timeout_seconds: /);
    expect(refusal(settingsPatchSchema, { stall_timeout_seconds: 3601 }).message).toMatch(/^stall_timeout_seconds: /);
  });

  it('max_concurrent is an integer from 1 to 20', () => {
    expect(refusal(settingsPatchSchema, { max_concurrent: 0 }).message).toMatch(/^max_concurrent: /);
    expect(refusal(settingsPatchSchema, { max_concurrent: 21 }).message).toMatch(/^max_concurrent: /);
    expect(refusal(settingsPatchSchema, { max_concurrent: 1.5 }).message).toMatch(/^max_concurrent: /);
  });

  it('allow_insecure_redirects is a boolean', () => {
    expect(parseInput(settingsPatchSchema, { allow_insecure_redirects: true })).toEqual({ allow_insecure_redirects: true });
    for (const value of ['true', 1, null]) {
      expect(refusal(settingsPatchSchema, { allow_insecure_redirects: value }).message).toMatch(/^allow_insecure_redirects: Invalid input: expected boolean/);
    }
  });

  it('download_dir must be absolute on this machine', () => {
    for (const download_dir of ['dl', 'C:\\evil', '\\\\host\\share']) {
      const error = refusal(settingsPatchSchema, { download_dir });
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toBe('download_dir: folder must be an absolute path on this machine, starting with "/"');
    }
    expect(parseInput(settingsPatchSchema, { download_dir: '/srv/dl' })).toEqual({ download_dir: '/srv/dl' });
  });

  it('is strict and refuses __proto__ and constructor keys', () => {
    expect(refusal(settingsPatchSchema, { retry_limit: 5 }).message).toBe('Unrecognized key: "retry_limit"');
    const proto = JSON.parse('{"max_attempts":3,"__proto__":{"max_attempts":100}}') as unknown;
    const protoError = refusal(settingsPatchSchema, proto);
    expect(protoError.code).toBe('INVALID_ARGUMENT');
    expect(protoError.message).toBe('Unrecognized key: "__proto__"');
    const ctor = JSON.parse('{"constructor":{"prototype":{"x":1}}}') as unknown;
    expect(refusal(settingsPatchSchema, ctor).message).toBe('Unrecognized key: "constructor"');
  });
});

describe('isAbsoluteFolder', () => {
  it('on Linux and macOS: only a path starting with "/"', () => {
    for (const platform of ['linux', 'darwin']) {
      expect(isAbsoluteFolder('/data/isos', platform)).toBe(true);
      for (const path of ['C:\\evil', 'c:/evil', '\\\\host\\share', 'data', '~/Downloads', '']) {
        expect(isAbsoluteFolder(path, platform), `${path} on ${platform}`).toBe(false);
      }
    }
  });

  it('on Windows: a drive or \\\\server\\share, not "/x" (the current drive) nor device paths', () => {
    for (const path of ['C:\\Users\\me\\Downloads', 'd:/dl', '\\\\nas\\share', '//nas/share/dl']) {
      expect(isAbsoluteFolder(path, 'win32'), path).toBe(true);
    }
    for (const path of ['/data', '\\data', 'C:relative', 'C:', '\\\\host', '\\\\host\\', '\\\\.\\PhysicalDrive0', '\\\\?\\C:\\x', 'dl']) {
      expect(isAbsoluteFolder(path, 'win32'), path).toBe(false);
    }
  });
});

describe('downloadIdSchema', () => {
  it('accepts 1–64 letters, digits, "-" and "_"', () => {
    expect(parseInput(downloadIdSchema, 'a')).toBe('a');
    expect(parseInput(downloadIdSchema, 'Ab-9_z')).toBe('Ab-9_z');
    expect(parseInput(downloadIdSchema, 'x'.repeat(64))).toBe('x'.repeat(64));
  });

  it.each(['', 'x'.repeat(65), 'a/b', '../etc', 'a b', 'é', 'a.b', 'id\n'])('refuses %j', (id) => {
    const error = refusal(downloadIdSchema, id);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('id must be 1–64 letters, digits, "-" or "_"');
  });

  it('refuses a non-string id', () => {
    expect(refusal(downloadIdSchema, 42).message).toBe('Invalid input: expected string, received number');
  });
});

describe('parseInput', () => {
  it('throws an ApiRequestError that serialises to {code, message}', () => {
    const error = refusal(urlRequestSchema, { url: 'ftp://e.com/' });
    expect(error.name).toBe('ApiRequestError');
    expect(error.toJSON()).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'url: url must be an absolute http:// or https:// URL, or s3://bucket/key',
    });
  });

  it('names the first offending field', () => {
    expect(refusal(urlRequestSchema, { url: 'https://e.com/', dest_dir: 'rel', sha256: 'bad' }).message).toBe(
      'dest_dir: folder must be an absolute path on this machine, starting with "/"',
    );
  });
});

describe('S3 and catalog requests', () => {
  it('reads s3://bucket/key literally, keys with slashes and spaces included', () => {
    expect(parseS3Url('s3://media/videos/abc 1/720p.mp4')).toEqual({ bucket: 'media', key: 'videos/abc 1/720p.mp4' });
    expect(parseS3Url('s3://media/')).toBeNull();
    expect(parseS3Url('s3://media')).toBeNull();
    expect(parseS3Url('https://media/x')).toBeNull();
  });

  it('accepts each form by its key and explains a request that has none', () => {
    expect(parseAddRequest({ url: 's3://media/a.bin' })).toEqual({ url: 's3://media/a.bin' });
    expect(parseAddRequest({ s3: { bucket: 'media', key: 'a.bin', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000' } })).toEqual({
      s3: { bucket: 'media', key: 'a.bin', region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000' },
    });
    expect(parseAddRequest({ content_id: 'abc123', quality: '720p' })).toEqual({ content_id: 'abc123', quality: '720p' });
    expect(() => parseAddRequest({})).toThrow('A download needs one of: url, s3 {bucket, key}, or content_id with quality');
    expect(() => parseAddRequest(null)).toThrow(ApiRequestError);
  });

  it('refuses bad S3 requests with the field named', () => {
    const message = (input: unknown) => {
      try {
        parseAddRequest(input);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(message({ s3: { bucket: 'a/b', key: 'k' } })).toBe('s3.bucket: bucket must not contain "/", spaces or NUL');
    expect(message({ s3: { bucket: 'b', key: '' } })).toBe('s3.key: key must not be empty');
    expect(message({ s3: { bucket: 'b', key: 'k', endpoint: 'ftp://x' } })).toBe('s3.endpoint: endpoint must be an http:// or https:// URL');
    expect(message({ s3: { bucket: 'b', key: 'k', secret: 'x' } })).toMatch(/^s3: Unrecognized key/);
    expect(message({ content_id: '../etc', quality: '720p' })).toBe(
      'content_id: content_id must be 1–128 letters, digits, ".", "_" or "-"',
    );
    expect(message({ url: 's3://bucket' })).toBe('url: url must be an absolute http:// or https:// URL, or s3://bucket/key');
  });

  it('validates S3 settings and the catalog; the secret is write-only input', () => {
    expect(parseInput(settingsPatchSchema, { s3_secret_access_key: 'x', s3_endpoint: null, s3_force_path_style: true })).toEqual({
      s3_secret_access_key: 'x',
      s3_endpoint: null,
      s3_force_path_style: true,
    });
    expect(() => parseInput(settingsPatchSchema, { s3_secret_access_key_set: true })).toThrow(/Unrecognized key/);
    expect(() => parseInput(settingsPatchSchema, { s3_region: 'Europe (Paris)' })).toThrow('s3_region: region must look like "eu-west-1"');
    const catalog = parseInput(settingsPatchSchema, {
      catalog: { bucket: 'b', key_template: 'v/{content_id}/{quality}.mp4', filename_template: '{content_id}_{quality}.mp4' },
    }).catalog;
    expect(catalog?.qualities).toEqual(['360p', '480p', '720p', '1080p']);
    expect(() =>
      parseInput(settingsPatchSchema, { catalog: { bucket: 'b', key_template: 'v/{id}', filename_template: 'x', qualities: [] } }),
    ).toThrow(/catalog\./);
  });
});

describe('request headers of an add request', () => {
  const add = (headers: unknown) => ({ url: 'https://example.com/a.bin', headers });
  const addRefusal = (headers: unknown): ApiRequestError => {
    try {
      parseAddRequest(add(headers));
    } catch (error) {
      expect(error).toBeInstanceOf(ApiRequestError);
      return error as ApiRequestError;
    }
    throw new Error(`expected ${JSON.stringify(headers)} to be refused`);
  };

  it('takes Cookie, Authorization, Referer and User-Agent in any case, spelled canonically', () => {
    expect(
      parseAddRequest(add({ cookie: 'a=b; c=d', AUTHORIZATION: 'Bearer t0k3n', Referer: 'https://example.com/', 'user-AGENT': 'UA/1.0 (x\ty)' })),
    ).toEqual({
      url: 'https://example.com/a.bin',
      headers: { Cookie: 'a=b; c=d', Authorization: 'Bearer t0k3n', Referer: 'https://example.com/', 'User-Agent': 'UA/1.0 (x\ty)' },
    });
    expect(parseAddRequest(add({}))).toEqual({ url: 'https://example.com/a.bin', headers: {} });
  });

  it('refuses other names, naming the field', () => {
    for (const name of ['Range', 'Host', 'Accept-Encoding', 'X-Api-Key', 'Cookie2', ' Cookie', 'Cookie:', '__proto__']) {
      const error = addRefusal({ [name]: 'x' });
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toBe(`headers.${name}: only Cookie, Authorization, Referer, User-Agent may be set`);
    }
  });

  it('refuses one header given twice in two spellings', () => {
    expect(addRefusal({ Cookie: 'a=b', cookie: 'c=d' }).message).toBe('headers.cookie: Cookie is given twice');
  });

  it('refuses CR, LF, NUL, other controls, non-Latin-1 characters, empty and over-long values', () => {
    const rule = 'a header value must not contain CR, LF, NUL or other control characters, nor characters beyond Latin-1';
    for (const value of ['a\r\nX-Evil: 1', 'a\nb', 'a\rb', 'a\0b', 'a\x7fb', 'a\x1bb', 'snow☃man']) {
      const error = addRefusal({ Cookie: value });
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toBe(`headers.Cookie: ${rule}`);
      // The refusal names the field, never the value (it may be a secret).
      expect(error.message).not.toContain(value);
    }
    expect(addRefusal({ Referer: '' }).message).toBe('headers.Referer: a header value must not be empty');
    expect(parseAddRequest(add({ Cookie: 'x'.repeat(8192) }))).toMatchObject({ headers: { Cookie: 'x'.repeat(8192) } });
    expect(addRefusal({ Cookie: 'x'.repeat(8193) }).message).toBe('headers.Cookie: a header value is at most 8192 characters');
  });

  it('refuses values that are not strings, and headers that are not an object', () => {
    expect(addRefusal({ Cookie: 42 }).message).toMatch(/^headers\.Cookie: /);
    expect(addRefusal(['Cookie: a=b']).message).toMatch(/^headers: /);
    expect(addRefusal('Cookie: a=b').message).toMatch(/^headers: /);
  });

  it('is only for URL requests: S3 and catalog requests refuse the key', () => {
    expect(() => parseAddRequest({ s3: { bucket: 'b', key: 'k' }, headers: { Cookie: 'a' } })).toThrow(/headers/);
    expect(() => parseAddRequest({ content_id: 'abc', quality: '720p', headers: { Cookie: 'a' } })).toThrow(/headers/);
  });
});
