import { parseArgs } from 'node:util';
import { linkProblem } from '../contract/download-list.js';
import { settingsPatchSchema } from '../contract/schemas.js';
import { TOKEN_PATTERN } from '../server/token-file.js';

export const USAGE = `Usage: steadfast get <url | s3://bucket/key> [options]
       steadfast get <url>... [-i FILE] [options]
       steadfast serve [--host H] [--port P] [--data-dir DIR] [--download-dir DIR] [--token-file PATH] [--new-token] [--tls-cert PATH --tls-key PATH] [--allowed-dirs A,B]
                       [--proxy system|none|URL] [--ca-file PATH]

Downloads one URL or S3 object in the foreground, resuming and retrying like the app does.
Run the same command again to resume a download that was interrupted or paused (Ctrl-C).
Several URLs, or a list with -i, download together (max_concurrent at a time, default 3); the
command ends when all have ended: exit 0 if all were saved, 1 if any failed, 130 on Ctrl-C.

Options:
  -i, --input-file FILE     also download the links in FILE (- reads standard input): aria2's
                            input-file format, a link a line, each followed by indented options
                            (dir=, out=, header=, checksum=sha-256=…, max-download-limit=);
                            a relative dir= is under --dir. A line that cannot become a download
                            is reported with its number, and then nothing is downloaded
  --dir DIR                 folder to save into (default: the configured download folder)
  --data-dir DIR            where Steadfast keeps its database (default: ${'$'}STEADFAST_DATA_DIR or the user data folder)
  --attempts N              attempts in all, 1–100 (default 5)
  --retry-delay SECONDS     delay before the first retry, doubled for each further one (default 2)
  --stall-timeout SECONDS   give up an attempt after this long without data (default 30)
  --connections N           connections per download when the server serves ranges, 1–16 (default 8)
  -j, --max-concurrent N    downloads of a list running at once, 1–20 (default 3)
  --speed-limit RATE        at most RATE bytes a second, e.g. 500K or 20M (K = 1024; default: none)
  --ca-file PATH            PEM authorities to trust besides the built-in ones (and NODE_EXTRA_CA_CERTS)
  --json                    print the final state as one JSON object on stdout
                            (several downloads: one object a line, in the list's order)
  --header 'NAME: VALUE'    send this header with every request (repeatable; a list's header= wins): Cookie,
                            Authorization, Referer or User-Agent; kept in the secret store
  --cookie 'a=b; c=d'       the same as --header 'Cookie: a=b; c=d'
  --referer URL             the same as --header 'Referer: URL'
  --user-agent UA           the same as --header 'User-Agent: UA'
                            (user:password@ in an http(s) URL is sent as Authorization: Basic)

S3 (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the shared AWS files or --profile):
  --endpoint URL            an S3-compatible endpoint (MinIO, R2, …); implies path-style addressing
  --region REGION           the bucket's region (default: AWS_REGION, else us-east-1)
  --profile NAME            a profile of the shared AWS config and credentials files
  -h, --help                show this help

serve runs the engine headless with the REST API and the UI in a browser (see README):
  --host HOST               address to listen on (default 127.0.0.1; env STEADFAST_HOST)
  --port PORT               port (default 4000; env STEADFAST_PORT)
  --download-dir DIR        default download folder (env STEADFAST_DOWNLOAD_DIR)
  --token-file PATH         read the API token from PATH, which only its owner may read (chmod 600)
                            (or env STEADFAST_TOKEN; default: generated once, kept in the data dir)
  --token TOKEN             the API token itself; every user of this machine sees it in the process
                            list, so prefer STEADFAST_TOKEN or --token-file
  --new-token               replace the token kept in the data dir with a new one (the old one stops working)
  --tls-cert PATH           serve HTTPS with this PEM certificate (chain); needs --tls-key (env STEADFAST_TLS_CERT)
  --tls-key PATH            the certificate's PEM private key (env STEADFAST_TLS_KEY)
  --allowed-hosts A,B       extra host names the server may be reached by (env STEADFAST_ALLOWED_HOSTS)
  --allowed-dirs A,B        the only folders downloads may be saved in, fixed until restart
                            (env STEADFAST_ALLOWED_DIRS; default: the download folder)
  --proxy system|none|URL   how downloads reach servers, fixed until restart (env STEADFAST_PROXY; default:
                            the stored setting, "system" = HTTP_PROXY/HTTPS_PROXY/NO_PROXY); a proxy's
                            password goes in those variables, never on the command line
  --ca-file PATH            PEM authorities trusted besides the built-in ones, fixed until restart
                            (env STEADFAST_CA_FILE)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** What `get` takes besides its links. */
export interface GetOptions {
  dir: string | null;
  dataDir: string | null;
  attempts: number | null;
  retryDelaySeconds: number | null;
  stallTimeoutSeconds: number | null;
  connections: number | null;
  /** Downloads of a list at once (the max_concurrent setting, for this run). */
  maxConcurrent: number | null;
  /** Bytes per second. */
  speedLimit: number | null;
  endpoint: string | null;
  region: string | null;
  profile: string | null;
  /** PEM authorities trusted for this run (the ca_file setting, not saved). */
  caFile: string | null;
  json: boolean;
  /** Request headers as given; the API's edge checks names and values. */
  headers: Record<string, string>;
}

/** `get URL`: one download, as it has always been. */
export interface GetCommand extends GetOptions {
  command: 'get';
  url: string;
}

/** `get URL URL…` or `get -i FILE`: several downloads, run together. */
export interface GetListCommand extends GetOptions {
  command: 'get-list';
  /** The command line's links, checked to be links. */
  urls: string[];
  /** The -i file, `-` for standard input; null without -i. */
  inputFile: string | null;
}

export interface ServeCommand {
  command: 'serve';
  host: string;
  port: number;
  dataDir: string | null;
  downloadDir: string | null;
  /** The API token given with --token or STEADFAST_TOKEN. */
  token: string | null;
  /** --token-file: the token is read from this file at start. With neither, the data folder's is used. */
  tokenFile: string | null;
  /** --new-token: the data folder's token is replaced before the start. */
  newToken: boolean;
  /** --tls-cert and --tls-key: HTTPS with these PEM files; null for plain HTTP. */
  tls: { certFile: string; keyFile: string } | null;
  allowedHosts: string[];
  /** The only folders (and their subfolders) the API may save into; null for the defaults. */
  allowedDirs: string[] | null;
  /** --proxy: the proxy setting for this run; the API cannot change it (ARCHITECTURE.md §7 "Allowed folders"). */
  proxy: string | null;
  /** --ca-file: the ca_file setting for this run; the API cannot change it. */
  caFile: string | null;
  /** Said on stderr at start. */
  warnings: string[];
}

export type CliCommand = GetCommand | GetListCommand | ServeCommand | { command: 'help' };

function numberOption(name: string, value: string | undefined, min: number, max: number, integer: boolean): number | null {
  if (value === undefined) return null;
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed))) {
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, not "${value}"`);
  }
  return parsed;
}

const RATE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `--speed-limit`: bytes a second, with an optional K, M or G (powers of 1024), as aria2 takes it. */
function rateOption(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(value);
  const bytes = match ? Math.floor(Number(match[1]) * RATE_UNITS[match[2]!.toLowerCase()]!) : Number.NaN;
  if (!(bytes >= 1024 && bytes <= 1e12)) {
    throw new UsageError(`--speed-limit must be bytes a second from 1024 (1K) to 1e12, like 500K or 20M, not "${value}"`);
  }
  return bytes;
}

/** `--header 'Name: value'` (curl's form) and the shorthands, one entry per name whatever its case. */
function headerOptions(values: { header?: string[]; cookie?: string; referer?: string; 'user-agent'?: string }): Record<string, string> {
  const given: [string, string][] = (values.header ?? []).map((line) => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header must look like 'Name: value', not "${line.slice(0, 40)}"`);
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  if (values.cookie !== undefined) given.push(['Cookie', values.cookie]);
  if (values.referer !== undefined) given.push(['Referer', values.referer]);
  if (values['user-agent'] !== undefined) given.push(['User-Agent', values['user-agent']]);
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of given) {
    if (seen.has(name.toLowerCase())) throw new UsageError(`the ${name} header is given twice`);
    seen.add(name.toLowerCase());
    headers[name] = value;
  }
  return headers;
}

export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  if (argv[0] === 'serve') return parseServeArgs(argv.slice(1), env);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        dir: { type: 'string' },
        'data-dir': { type: 'string' },
        attempts: { type: 'string' },
        'retry-delay': { type: 'string' },
        'stall-timeout': { type: 'string' },
        connections: { type: 'string' },
        'max-concurrent': { type: 'string', short: 'j' },
        'speed-limit': { type: 'string' },
        'ca-file': { type: 'string' },
        endpoint: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        json: { type: 'boolean', default: false },
        header: { type: 'string', multiple: true },
        cookie: { type: 'string' },
        referer: { type: 'string' },
        'user-agent': { type: 'string' },
        'input-file': { type: 'string', short: 'i' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help' };
  const [command, ...urls] = positionals;
  if (command !== 'get') throw new UsageError(`Unknown command "${command}"`);
  const inputFile = values['input-file'] ?? null;
  if (inputFile === null) {
    if (urls.length === 0) throw new UsageError('get needs a URL');
    // One link keeps its old path: the API's edge words a refusal of it.
    if (urls.length === 1) return { command: 'get', url: urls[0]!, ...getOptions(values) };
  }
  if (inputFile === '') throw new UsageError('--input-file needs a file, or - for standard input');
  for (const url of urls) {
    const problem = linkProblem(url);
    // A word that is no link at all is more likely a stray value than a download.
    if (problem === 'not a link') throw new UsageError(`Unexpected argument "${url}"`);
    if (problem !== null) throw new UsageError(`${url}: ${problem}`);
  }
  return { command: 'get-list', urls, inputFile, ...getOptions(values) };
}

type GetValues = Partial<Record<'dir' | 'data-dir' | 'attempts' | 'retry-delay' | 'stall-timeout' | 'connections' | 'max-concurrent' | 'speed-limit' | 'ca-file' | 'endpoint' | 'region' | 'profile' | 'cookie' | 'referer' | 'user-agent', string>> & {
  json: boolean;
  header?: string[];
};

function getOptions(values: GetValues): GetOptions {
  return {
    dir: values.dir ?? null,
    dataDir: values['data-dir'] ?? null,
    attempts: numberOption('attempts', values.attempts, 1, 100, true),
    retryDelaySeconds: numberOption('retry-delay', values['retry-delay'], 0.1, 600, false),
    stallTimeoutSeconds: numberOption('stall-timeout', values['stall-timeout'], 1, 3600, false),
    connections: numberOption('connections', values.connections, 1, 16, true),
    maxConcurrent: numberOption('max-concurrent', values['max-concurrent'], 1, 20, true),
    speedLimit: rateOption(values['speed-limit']),
    caFile: values['ca-file'] ?? null,
    endpoint: values.endpoint ?? null,
    region: values.region ?? null,
    profile: values.profile ?? null,
    json: values.json,
    headers: headerOptions(values),
  };
}

function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ServeCommand | { command: 'help' } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'download-dir': { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'new-token': { type: 'boolean', default: false },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'allowed-dirs': { type: 'string' },
        proxy: { type: 'string' },
        'ca-file': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return { command: 'help' };
  const tokenFile = values['token-file'] ?? null;
  if (values.token !== undefined && tokenFile !== null) throw new UsageError('Give --token or --token-file, not both');
  // Flags win over the environment, as for every option.
  const token = values.token ?? (tokenFile === null ? (env.STEADFAST_TOKEN ?? null) : null);
  if (token !== null && !TOKEN_PATTERN.test(token)) {
    throw new UsageError('--token must be 16–256 characters without spaces');
  }
  const certFile = values['tls-cert'] ?? (env.STEADFAST_TLS_CERT || undefined);
  const keyFile = values['tls-key'] ?? (env.STEADFAST_TLS_KEY || undefined);
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('HTTPS needs both --tls-cert and --tls-key');
  const newToken = values['new-token'] === true;
  if (newToken && (token !== null || tokenFile !== null)) {
    throw new UsageError('--new-token replaces the token kept in the data folder; a token given with --token, --token-file or STEADFAST_TOKEN is changed where it comes from');
  }
  // An empty variable is as good as unset (`STEADFAST_ALLOWED_DIRS= steadfast serve`); an empty flag is a mistake.
  const dirsList = values['allowed-dirs'] ?? (env.STEADFAST_ALLOWED_DIRS || undefined);
  const allowedDirs = dirsList?.split(',').map((dir) => dir.trim()).filter(Boolean) ?? null;
  if (allowedDirs?.length === 0) throw new UsageError('--allowed-dirs needs at least one folder');
  const proxy = proxyOption(values.proxy ?? (env.STEADFAST_PROXY || undefined));
  const caFile = values['ca-file'] ?? (env.STEADFAST_CA_FILE || undefined) ?? null;
  // The same rules as the setting (a proxy URL's scheme and shape, an absolute file).
  const network = settingsPatchSchema.safeParse({ ...(proxy === null ? {} : { proxy }), ...(caFile === null ? {} : { ca_file: caFile }) });
  if (!network.success) throw new UsageError(network.error.issues.map((issue) => issue.message).join('; '));
  return {
    command: 'serve',
    host: values.host ?? env.STEADFAST_HOST ?? '127.0.0.1',
    port: numberOption('port', values.port ?? env.STEADFAST_PORT ?? '4000', 0, 65535, true)!,
    dataDir: values['data-dir'] ?? null,
    downloadDir: values['download-dir'] ?? env.STEADFAST_DOWNLOAD_DIR ?? null,
    token,
    tokenFile,
    newToken,
    tls: certFile === undefined || keyFile === undefined ? null : { certFile, keyFile },
    allowedHosts: (values['allowed-hosts'] ?? env.STEADFAST_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
    allowedDirs,
    proxy,
    caFile,
    // A process's arguments are public on this machine (ps, /proc/PID/cmdline); its environment
    // is readable by its own user only.
    warnings:
      values.token === undefined
        ? []
        : ['--token shows the token to every user of this machine in the process list (ps, /proc/PID/cmdline); ' +
          'pass it in STEADFAST_TOKEN or with --token-file PATH instead'],
  };
}

/**
 * The proxy for a `serve` run. The engine's settings schema checks the URL itself; here only what
 * would leak: a password on the command line is public on this machine (ps).
 */
function proxyOption(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value === 'system' || value === 'none') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError('--proxy must be "system", "none" or a proxy URL such as http://proxy.example:3128');
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError('--proxy must not carry a user or password (every user sees the command line): put the URL in HTTPS_PROXY/HTTP_PROXY and use --proxy system');
  }
  return value;
}
