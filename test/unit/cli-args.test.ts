import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { parseCliArgs, USAGE, UsageError } from '../../src-main/cli/args.js';
import { ListRefused, planList, readInputFile } from '../../src-main/cli/get-list.js';

const URL_ = 'https://example.com/files/movie.mp4';

function usageError(argv: string[]): UsageError {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
}

describe('parseCliArgs', () => {
  it('parses a bare get with every option unset', () => {
    expect(parseCliArgs(['get', URL_])).toEqual({
      command: 'get',
      url: URL_,
      dir: null,
      dataDir: null,
      attempts: null,
      retryDelaySeconds: null,
      stallTimeoutSeconds: null,
      connections: null,
      maxConcurrent: null,
      speedLimit: null,
      endpoint: null,
      region: null,
      profile: null,
      caFile: null,
      json: false,
      headers: {},
    });
  });

  it('parses every option, in either --name value or --name=value form', () => {
    expect(
      parseCliArgs([
        'get',
        '--dir',
        '/data/dl',
        '--data-dir=/var/lib/steadfast',
        '--attempts',
        '10',
        '--retry-delay=0.5',
        '--stall-timeout',
        '45',
        '-j',
        '5',
        '--json',
        URL_,
      ]),
    ).toEqual({
      command: 'get',
      url: URL_,
      dir: '/data/dl',
      dataDir: '/var/lib/steadfast',
      attempts: 10,
      retryDelaySeconds: 0.5,
      stallTimeoutSeconds: 45,
      connections: null,
      maxConcurrent: 5,
      speedLimit: null,
      endpoint: null,
      region: null,
      profile: null,
      caFile: null,
      json: true,
      headers: {},
    });
  });

  it('takes request headers: --header (repeatable, split at the first colon) and the shorthands', () => {
    const parsed = parseCliArgs([
      'get',
      URL_,
      '--header',
      'Authorization: Bearer a:b:c',
      '--header=X-Other:  spaced  ',
      '--cookie',
      'a=b; c=d',
      '--referer',
      'https://example.com/page',
      '--user-agent',
      'Mozilla/5.0 (X11)',
    ]);
    expect(parsed).toMatchObject({
      command: 'get',
      headers: {
        Authorization: 'Bearer a:b:c',
        // Names are checked at the API's edge, like a REST caller's: the CLI passes them on.
        'X-Other': 'spaced',
        Cookie: 'a=b; c=d',
        Referer: 'https://example.com/page',
        'User-Agent': 'Mozilla/5.0 (X11)',
      },
    });
  });

  it('refuses a --header without a name and colon, and a header given twice in any case', () => {
    expect(usageError(['get', URL_, '--header', 'Cookie a=b']).message).toContain("--header must look like 'Name: value'");
    expect(usageError(['get', URL_, '--header', ': no name']).message).toContain("--header must look like 'Name: value'");
    expect(usageError(['get', URL_, '--header', 'cookie: a=b', '--cookie', 'c=d']).message).toBe('the Cookie header is given twice');
    expect(usageError(['get', URL_, '--header', 'Referer: x', '--header', 'REFERER: y']).message).toBe('the REFERER header is given twice');
  });

  it('takes the URL after -- even when it starts with a dash', () => {
    const parsed = parseCliArgs(['get', '--', '-odd-name']);
    expect(parsed).toMatchObject({ command: 'get', url: '-odd-name' });
  });

  it('asks for help with no arguments, -h or --help (help wins over everything else)', () => {
    expect(parseCliArgs([])).toEqual({ command: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['get', URL_, '--help'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['fetch', '-h'])).toEqual({ command: 'help' });
    expect(parseCliArgs(['--json'])).toEqual({ command: 'help' });
  });

  it('refuses an unknown command', () => {
    const error = usageError(['fetch', URL_]);
    expect(error.message).toBe('Unknown command "fetch"');
    expect(error.name).toBe('UsageError');
  });

  it('refuses get without a URL', () => {
    expect(usageError(['get']).message).toBe('get needs a URL');
    expect(usageError(['get', '--json']).message).toBe('get needs a URL');
  });

  it('refuses a second positional argument', () => {
    expect(usageError(['get', URL_, 'extra']).message).toBe('Unexpected argument "extra"');
  });

  it('refuses unknown options and missing values with node’s message', () => {
    expect(usageError(['get', URL_, '--foo']).message).toMatch(/^Unknown option '--foo'/);
    expect(usageError(['get', URL_, '--attempts']).message).toBe("Option '--attempts <value>' argument missing");
    expect(usageError(['get', URL_, '--json=yes']).message).toBe("Option '--json' does not take an argument");
  });

  it('--attempts is a whole number from 1 to 100', () => {
    expect(parseCliArgs(['get', URL_, '--attempts', '1'])).toMatchObject({ attempts: 1 });
    expect(parseCliArgs(['get', URL_, '--attempts', '100'])).toMatchObject({ attempts: 100 });
    expect(usageError(['get', URL_, '--attempts', '0']).message).toBe(
      '--attempts must be a whole number from 1 to 100, not "0"',
    );
    expect(usageError(['get', URL_, '--attempts', '101']).message).toBe(
      '--attempts must be a whole number from 1 to 100, not "101"',
    );
    expect(usageError(['get', URL_, '--attempts', '2.5']).message).toBe(
      '--attempts must be a whole number from 1 to 100, not "2.5"',
    );
    expect(usageError(['get', URL_, '--attempts', 'five']).message).toBe(
      '--attempts must be a whole number from 1 to 100, not "five"',
    );
    expect(usageError(['get', URL_, '--attempts=']).message).toBe(
      '--attempts must be a whole number from 1 to 100, not ""',
    );
  });

  it('--retry-delay is a number from 0.1 to 600', () => {
    expect(parseCliArgs(['get', URL_, '--retry-delay', '0.1'])).toMatchObject({ retryDelaySeconds: 0.1 });
    expect(parseCliArgs(['get', URL_, '--retry-delay', '600'])).toMatchObject({ retryDelaySeconds: 600 });
    expect(usageError(['get', URL_, '--retry-delay', '0.05']).message).toBe(
      '--retry-delay must be a number from 0.1 to 600, not "0.05"',
    );
    expect(usageError(['get', URL_, '--retry-delay', 'Infinity']).message).toBe(
      '--retry-delay must be a number from 0.1 to 600, not "Infinity"',
    );
    expect(usageError(['get', URL_, '--retry-delay', 'NaN']).message).toBe(
      '--retry-delay must be a number from 0.1 to 600, not "NaN"',
    );
  });

  it('--stall-timeout is a number from 1 to 3600', () => {
    expect(parseCliArgs(['get', URL_, '--stall-timeout', '2.5'])).toMatchObject({ stallTimeoutSeconds: 2.5 });
    expect(usageError(['get', URL_, '--stall-timeout', '0.5']).message).toBe(
      '--stall-timeout must be a number from 1 to 3600, not "0.5"',
    );
    expect(usageError(['get', URL_, '--stall-timeout', '3601']).message).toBe(
      '--stall-timeout must be a number from 1 to 3600, not "3601"',
    );
  });

  it('--speed-limit is bytes a second, with K, M or G as powers of 1024', () => {
    expect(parseCliArgs(['get', URL_, '--speed-limit', '2048'])).toMatchObject({ speedLimit: 2048 });
    expect(parseCliArgs(['get', URL_, '--speed-limit', '500K'])).toMatchObject({ speedLimit: 512_000 });
    expect(parseCliArgs(['get', URL_, '--speed-limit=1.5m'])).toMatchObject({ speedLimit: 1_572_864 });
    expect(parseCliArgs(['get', URL_, '--speed-limit', '2G'])).toMatchObject({ speedLimit: 2 * 1024 ** 3 });
    for (const bad of ['1000', '20MB', '0.5K', 'fast', '']) {
      expect(usageError(['get', URL_, '--speed-limit', bad]).message).toBe(
        `--speed-limit must be bytes a second from 1024 (1K) to 1e12, like 500K or 20M, not "${bad}"`,
      );
    }
  });

  it('does not modify the argv it is given', () => {
    const argv = ['get', URL_, '--json'];
    parseCliArgs(argv);
    expect(argv).toEqual(['get', URL_, '--json']);
  });
});

describe('USAGE', () => {
  it('documents the command and every option with its default', () => {
    expect(USAGE.split('\n')[0]).toBe('Usage: steadfast get <url | s3://bucket/key> [options]');
    for (const option of ['--dir DIR', '--data-dir DIR', '--attempts N', '--retry-delay SECONDS', '--stall-timeout SECONDS', '--connections N', '--speed-limit RATE', '--json', '-h, --help', '--endpoint URL', '--region REGION', '--profile NAME']) {
      expect(USAGE).toContain(option);
    }
    expect(USAGE).toContain('$STEADFAST_DATA_DIR');
    expect(USAGE).toContain('1–100 (default 5)');
    expect(USAGE).toContain('(default 2)');
    expect(USAGE).toContain('(default 30)');
  });
});

describe('S3 options', () => {
  it('are read for an s3:// source', () => {
    expect(parseCliArgs(['get', 's3://bucket/a/b.mp4', '--endpoint', 'http://127.0.0.1:9000', '--region', 'eu-west-1', '--profile', 'work'])).toMatchObject({
      url: 's3://bucket/a/b.mp4',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      profile: 'work',
    });
  });
});

describe('numeric options', () => {
  it('accept only plain decimal numbers', () => {
    for (const value of ['0x10', '1e1', ' 5', '5s', '']) {
      expect(() => parseCliArgs(['get', URL_, '--attempts', value])).toThrow(UsageError);
    }
    expect(() => parseCliArgs(['get', URL_, '--retry-delay', '.5'])).toThrow(UsageError);
  });
});

describe('serve', () => {
  it('takes defaults, then the environment, then flags', () => {
    expect(parseCliArgs(['serve'], {})).toEqual({
      command: 'serve',
      host: '127.0.0.1',
      port: 4000,
      dataDir: null,
      downloadDir: null,
      token: null,
      tokenFile: null,
      newToken: false,
      tls: null,
      allowedHosts: [],
      allowedDirs: null,
      proxy: null,
      caFile: null,
      warnings: [],
    });
    const env = { STEADFAST_HOST: '0.0.0.0', STEADFAST_PORT: '8080', STEADFAST_TOKEN: 'env-token-0123456789', STEADFAST_ALLOWED_HOSTS: 'nas.local, Box' };
    expect(parseCliArgs(['serve'], env)).toMatchObject({ host: '0.0.0.0', port: 8080, token: 'env-token-0123456789', allowedHosts: ['nas.local', 'box'] });
    expect(parseCliArgs(['serve', '--port', '9000', '--download-dir', '/srv/dl'], env)).toMatchObject({ port: 9000, downloadDir: '/srv/dl' });
  });

  it('--allowed-dirs / STEADFAST_ALLOWED_DIRS: a comma-separated list, the flag over the environment', () => {
    expect(parseCliArgs(['serve', '--allowed-dirs', '/srv/dl, /data/media ,'], {})).toMatchObject({ allowedDirs: ['/srv/dl', '/data/media'] });
    expect(parseCliArgs(['serve'], { STEADFAST_ALLOWED_DIRS: '/a,/b' })).toMatchObject({ allowedDirs: ['/a', '/b'] });
    expect(parseCliArgs(['serve', '--allowed-dirs=/c'], { STEADFAST_ALLOWED_DIRS: '/a,/b' })).toMatchObject({ allowedDirs: ['/c'] });
    // An empty variable means the defaults; an empty flag is a mistake, not "nowhere" nor "anywhere".
    expect(parseCliArgs(['serve'], { STEADFAST_ALLOWED_DIRS: '' })).toMatchObject({ allowedDirs: null });
    for (const value of ['', ' , ']) {
      expect(() => parseCliArgs(['serve', '--allowed-dirs', value], {})).toThrow('--allowed-dirs needs at least one folder');
    }
  });

  it('reads the token from the environment or a file without a word, and warns when it is on the command line', () => {
    const env = { STEADFAST_TOKEN: 'env-token-0123456789' };
    expect(parseCliArgs(['serve'], env)).toMatchObject({ token: 'env-token-0123456789', tokenFile: null, warnings: [] });
    // A flag wins over the environment, as for every option.
    expect(parseCliArgs(['serve', '--token-file', '/run/credentials/steadfast/token'], env)).toMatchObject({
      token: null,
      tokenFile: '/run/credentials/steadfast/token',
      warnings: [],
    });
    expect(parseCliArgs(['serve', '--token', 'flag-token-0123456789'], env)).toMatchObject({
      token: 'flag-token-0123456789',
      tokenFile: null,
      warnings: [
        '--token shows the token to every user of this machine in the process list (ps, /proc/PID/cmdline); ' +
          'pass it in STEADFAST_TOKEN or with --token-file PATH instead',
      ],
    });
    expect(() => parseCliArgs(['serve', '--token', 'flag-token-0123456789', '--token-file', '/t'], {})).toThrow(
      'Give --token or --token-file, not both',
    );
  });

  it('--tls-cert and --tls-key (or STEADFAST_TLS_CERT/KEY) go together', () => {
    expect(parseCliArgs(['serve', '--tls-cert', '/c.pem', '--tls-key', '/k.pem'], {})).toMatchObject({ tls: { certFile: '/c.pem', keyFile: '/k.pem' } });
    expect(parseCliArgs(['serve'], { STEADFAST_TLS_CERT: '/c.pem', STEADFAST_TLS_KEY: '/k.pem' })).toMatchObject({ tls: { certFile: '/c.pem', keyFile: '/k.pem' } });
    expect(() => parseCliArgs(['serve', '--tls-cert', '/c.pem'], {})).toThrow('HTTPS needs both --tls-cert and --tls-key');
    expect(() => parseCliArgs(['serve', '--tls-key', '/k.pem'], { STEADFAST_TLS_CERT: '' })).toThrow('HTTPS needs both --tls-cert and --tls-key');
  });

  it('--new-token renews the data folder\'s own token only: a token given elsewhere is changed where it comes from', () => {
    expect(parseCliArgs(['serve', '--new-token'], {})).toMatchObject({ newToken: true, token: null, tokenFile: null });
    const refusal = '--new-token replaces the token kept in the data folder; a token given with --token, --token-file or STEADFAST_TOKEN is changed where it comes from';
    expect(() => parseCliArgs(['serve', '--new-token'], { STEADFAST_TOKEN: 'env-token-0123456789' })).toThrow(refusal);
    expect(() => parseCliArgs(['serve', '--new-token', '--token-file', '/t'], {})).toThrow(refusal);
    expect(() => parseCliArgs(['serve', '--new-token', '--token', 'flag-token-0123456789'], {})).toThrow(refusal);
  });

  it('--proxy / STEADFAST_PROXY and --ca-file / STEADFAST_CA_FILE: checked like the settings, and no password on the command line', () => {
    expect(parseCliArgs(['serve'], {})).toMatchObject({ proxy: null, caFile: null });
    expect(parseCliArgs(['serve', '--proxy', 'none', '--ca-file', '/etc/ssl/corp.pem'], {})).toMatchObject({ proxy: 'none', caFile: '/etc/ssl/corp.pem' });
    expect(parseCliArgs(['serve'], { STEADFAST_PROXY: 'socks5://127.0.0.1:1080', STEADFAST_CA_FILE: '/ca.pem' })).toMatchObject({
      proxy: 'socks5://127.0.0.1:1080',
      caFile: '/ca.pem',
    });
    expect(parseCliArgs(['serve', '--proxy', 'system'], { STEADFAST_PROXY: 'none' })).toMatchObject({ proxy: 'system' });
    expect(() => parseCliArgs(['serve', '--proxy', 'http://me:pw@proxy.example:3128'], {})).toThrow(
      '--proxy must not carry a user or password (every user sees the command line): put the URL in HTTPS_PROXY/HTTP_PROXY and use --proxy system',
    );
    expect(() => parseCliArgs(['serve', '--proxy', 'proxy.example'], {})).toThrow('--proxy must be "system", "none" or a proxy URL');
    expect(() => parseCliArgs(['serve', '--proxy', 'ftp://proxy.example:21'], {})).toThrow(/proxy must be "system", "none" or a URL/);
    expect(() => parseCliArgs(['serve', '--ca-file', 'relative.pem'], {})).toThrow(UsageError);
  });

  it('refuses bad ports and short tokens', () => {
    expect(() => parseCliArgs(['serve', '--port', '70000'], {})).toThrow('--port must be a whole number from 0 to 65535, not "70000"');
    expect(() => parseCliArgs(['serve', '--token', 'short'], {})).toThrow('--token must be 16–256 characters without spaces');
    expect(() => parseCliArgs(['serve', '--bogus'], {})).toThrow(UsageError);
  });
});

describe('get with several links or -i', () => {
  const OTHER = 'https://example.org/b.iso';

  it('takes several URLs as a list, with the options for all of them', () => {
    expect(parseCliArgs(['get', URL_, OTHER, 's3://bucket/key.bin', '--dir', '/dl', '--cookie', 'a=b'])).toMatchObject({
      command: 'get-list',
      urls: [URL_, OTHER, 's3://bucket/key.bin'],
      inputFile: null,
      dir: '/dl',
      headers: { Cookie: 'a=b' },
    });
  });

  it('takes -i FILE, --input-file FILE and -i - (standard input), alone or with URLs', () => {
    expect(parseCliArgs(['get', '-i', 'list.txt'])).toMatchObject({ command: 'get-list', urls: [], inputFile: 'list.txt' });
    expect(parseCliArgs(['get', '--input-file=list.txt', URL_])).toMatchObject({ command: 'get-list', urls: [URL_], inputFile: 'list.txt' });
    expect(parseCliArgs(['get', '-i', '-', '--json'])).toMatchObject({ command: 'get-list', urls: [], inputFile: '-', json: true });
  });

  it('keeps one URL without -i the single download it always was', () => {
    expect(parseCliArgs(['get', URL_]).command).toBe('get');
  });

  it('refuses no URL at all, an empty -i, a missing -i value, and a link it cannot download among several', () => {
    expect(usageError(['get', '--dir', '/dl']).message).toBe('get needs a URL');
    expect(usageError(['get', '-i', '']).message).toBe('--input-file needs a file, or - for standard input');
    expect(usageError(['get', URL_, '-i']).message).toBe("Option '-i, --input-file <value>' argument missing");
    expect(usageError(['get', URL_, 'ftp://example.com/x']).message).toBe('ftp://example.com/x: ftp: links cannot be downloaded: only http://, https:// and s3://');
    expect(usageError(['get', '-i', 'list.txt', 'stray']).message).toBe('Unexpected argument "stray"');
  });
});

describe('readInputFile', () => {
  it('reads a file, or standard input for -', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadfast-list-'));
    try {
      writeFileSync(join(dir, 'list.txt'), 'https://example.com/a\n');
      expect(readInputFile(join(dir, 'list.txt'))).toBe('https://example.com/a\n');
      expect(readInputFile('-', () => 'from stdin')).toBe('from stdin');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says clearly why a file cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadfast-list-'));
    try {
      const refused = (path: string) => {
        try {
          readInputFile(path);
        } catch (error) {
          expect(error).toBeInstanceOf(ListRefused);
          return (error as Error).message;
        }
        throw new Error(`expected ${path} to be refused`);
      };
      expect(refused(join(dir, 'missing.txt'))).toBe(`cannot read the input file ${join(dir, 'missing.txt')}: there is no such file`);
      expect(refused(dir)).toBe(`cannot read the input file ${dir}: it is a folder, not a file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('planList', () => {
  const command = { urls: [] as string[], inputFile: 'list.txt', headers: {} as Record<string, string> };

  it('reads aria2 input files: dir= under the base folder, out=, header= over the command line’s, the command line’s links first', () => {
    const text = [
      '# two downloads',
      'https://example.com/a.iso',
      '  dir=iso/new',
      '  out=renamed.iso',
      '  header=cookie: own=1',
      '',
      'https://example.com/b.bin',
      '  dir=/abs/folder',
    ].join('\n');
    const plan = planList({ ...command, urls: ['https://example.org/c'], headers: { Cookie: 'cli=1', Referer: 'https://r' } }, text, '/base');
    expect(plan).toEqual({
      messages: [],
      problems: 0,
      downloads: [
        { where: 'argument 1', request: { url: 'https://example.org/c', dest_dir: '/base', headers: { Cookie: 'cli=1', Referer: 'https://r' } } },
        {
          where: 'list.txt line 2',
          request: { url: 'https://example.com/a.iso', dest_dir: '/base/iso/new', filename: 'renamed.iso', headers: { Referer: 'https://r', Cookie: 'own=1' } },
        },
        { where: 'list.txt line 7', request: { url: 'https://example.com/b.bin', dest_dir: '/abs/folder', headers: { Cookie: 'cli=1', Referer: 'https://r' } } },
      ],
    });
  });

  it('names each problem and note by its line, in line order, and counts the problems', () => {
    const text = [
      'https://example.com/a.iso',
      '  split=4',
      'not a link',
      'https://example.com/b.iso',
      '  dir=../out',
      'https://example.com/a.iso',
      '  header=X-Custom: 1',
    ].join('\n');
    const plan = planList({ ...command, inputFile: '-' }, text, '/base');
    expect(plan.messages).toEqual([
      'stdin line 2: note: option split is not used by Steadfast',
      'stdin line 3: not a link',
      'stdin line 5: dir=../out climbs out of the download folder with ".."',
      'stdin line 6: the same link into the same folder as stdin line 1',
      'stdin line 7: note: header X-Custom is not sent: only Cookie, Authorization, Referer and User-Agent are',
    ]);
    expect(plan.problems).toBe(3);
    expect(plan.downloads.map((d) => d.where)).toEqual(['stdin line 1']);
  });

  it('refuses what the API’s edge would refuse, before anything is added', () => {
    const plan = planList({ ...command, urls: ['https://example.com/a'], headers: { 'X-Nope': '1' } }, null, '/base');
    expect(plan.problems).toBe(1);
    expect(plan.messages[0]).toMatch(/^argument 1: headers/);
    expect(plan.downloads).toEqual([]);
  });
});
