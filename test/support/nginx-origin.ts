/**
 * A real nginx for integration tests and the bench, configured like the file hosts downloads
 * meet: sendfile, ETag and Last-Modified, byte ranges, and on request a per-address connection
 * limit (503 past it), a per-connection rate limit and gzip.
 *
 * Why nginx next to fault-origin.ts: the fault origin scripts failures, but it is our own reading
 * of HTTP. Most hosts run nginx, whose answers (how it counts connections, what a gzipped range
 * gets, when it logs) are what segmented downloads must cope with, so the harness runs the real
 * thing. It runs in the foreground from a config of its own in a fresh temp dir (pid, logs and
 * temp paths all inside it), on 127.0.0.1 only.
 *
 * Run as root, nginx's workers run as `nobody`: the temp dir, `root` and every served file must be
 * world-readable. Files given in `options.files` are; a caller writing into `root` itself keeps
 * the usual umask (022) or chmods.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './local-ports.js';

/** What a location may change; whatever it leaves out it inherits from the server. */
export interface NginxLocation {
  /** HTTP Basic auth (auth_basic): 401 without this user and password. */
  basicAuth?: { user: string; password: string };
  /** A session gate: 403 unless the request carries this cookie with this value. */
  requireCookie?: { name: string; value: string };
  /** Hotlink protection (valid_referers): 403 unless the Referer names one of these hosts. */
  validReferers?: string[];
  /** 403 unless the request came through a proxy whose Via header matches this word (tinyproxy). */
  requireVia?: string;
  /**
   * Signed, expiring links (secure_link, as file hosts hand out): `?md5=…&expires=…`, made with
   * `signedPath`; 403 when the signature is wrong, 410 once expired.
   */
  secureLinkSecret?: string;
  /** Bytes a second per connection (nginx's limit_rate): '1m', '512k', or a number of bytes. */
  limitRate?: string | number;
  /** Requests in progress per client address (nginx's limit_conn); the next one gets 503. */
  limitConn?: number;
  /** gzip for application/octet-stream too; `minLength` is gzip_min_length (nginx: 20 bytes). */
  gzip?: boolean | { minLength?: number };
}

export interface NginxOptions extends NginxLocation {
  /** Files to serve, by URL path ('/big.bin', '/dir/a.bin'). */
  files?: Record<string, Buffer>;
  /** Overrides for URL prefixes ('/throttled/'). */
  locations?: Record<string, NginxLocation>;
  /** The nginx binary; by default the one on PATH, else /usr/sbin/nginx. */
  binary?: string;
  /** Also serve over HTTPS with this certificate and key (PEM), on a port of its own (`tlsUrl`). */
  tls?: { cert: string; key: string };
}

/** One line of the access log. */
export interface NginxRequest {
  status: number;
  method: string;
  path: string;
  /** The Range header as the client sent it, or null. */
  range: string | null;
  bodyBytesSent: number;
  /** nginx's connection serial: the requests of one kept-alive connection share it. */
  connection: number;
  /** Seconds, to the millisecond. */
  requestTime: number;
}

export interface NginxOrigin {
  /** http://127.0.0.1:port, no trailing slash. */
  base: string;
  port: number;
  /** The served folder: files written here are served at once. */
  root: string;
  url(path: string): string;
  /** https://127.0.0.1:tlsPort + path; only with `options.tls`. */
  tlsUrl(path: string): string;
  /** Every request logged so far. nginx logs a request when it ends, a moment after the client saw its last byte. */
  requests(): NginxRequest[];
  /** The body bytes sent for `path`, summed over its logged requests. */
  bytesSent(path: string): number;
  /** Resolves once at least `count` requests are logged. */
  waitForRequests(count: number, timeoutMs?: number): Promise<NginxRequest[]>;
  /** Stops nginx (SIGTERM: requests in flight are cut, not waited for) and removes the temp dir. */
  close(): Promise<void>;
}

const READY_PATH = '/__nginx-origin-ready';
// Tab-separated because a Range header may hold spaces ("bytes=0-1, 5-6"); nginx escapes tabs
// inside values, so a tab always separates fields. $uri is there so bytesSent can filter by path.
const LOG_FORMAT = ['$status', '$request_method', '$uri', '$http_range', '$body_bytes_sent', '$connection', '$request_time'].join('\\t');

/** nginx processes still running, stopped if the test process exits without close(). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

export async function startNginx(options: NginxOptions = {}): Promise<NginxOrigin> {
  const binary = findNginx(options.binary);
  const dir = mkdtempSync(join(tmpdir(), 'steadfast-nginx-'));
  chmodSync(dir, 0o755);
  const root = join(dir, 'www');
  mkdirSync(root);
  chmodSync(root, 0o755);
  try {
    for (const [path, content] of Object.entries(options.files ?? {})) writeServed(root, path, content);
    const { child, port, tlsPort } = await launch(binary, dir, root, options);
    return origin(child, port, tlsPort, dir, root);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function findNginx(given: string | undefined): string {
  if (given !== undefined) {
    if (existsSync(given)) return given;
  } else {
    const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
    // Debian puts it in /usr/sbin, which a non-root PATH often lacks.
    if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  }
  throw new Error(
    `nginx is not installed (${given ?? 'not on PATH, nor /usr/sbin/nginx'}): these tests serve files from a real nginx. ` +
      '.ci/run installs it (apt-get install nginx); install it the same way to run them locally.',
  );
}

/** Writes a served file and its folders world-readable, whatever the umask. */
function writeServed(root: string, path: string, content: Buffer): void {
  const relative = posix.normalize(path.replace(/^\/+/, ''));
  if (relative === '' || relative === '.' || relative.startsWith('..')) throw new Error(`not a path inside the served folder: ${path}`);
  const file = join(root, relative);
  for (let folder = dirname(file); folder.length > root.length; folder = dirname(folder)) {
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o755);
  }
  writeFileSync(file, content);
  chmodSync(file, 0o644);
}

/** Starts nginx; a new port when another process took the chosen one before nginx bound it. */
async function launch(binary: string, dir: string, root: string, options: NginxOptions): Promise<{ child: ChildProcess; port: number; tlsPort: number | null }> {
  const conf = join(dir, 'nginx.conf');
  if (options.tls) {
    writeFileSync(join(dir, 'tls.crt'), options.tls.cert);
    // Read by the master process (root) before it drops to `nobody`.
    writeFileSync(join(dir, 'tls.key'), options.tls.key, { mode: 0o600 });
  }
  const errorLog = join(dir, 'error.log');
  let lastError = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    const tlsPort = options.tls ? await freePort() : null;
    // A nonce, so the readiness probe cannot be answered by whatever else holds the port.
    const nonce = randomBytes(8).toString('hex');
    writeFileSync(conf, config(dir, root, port, tlsPort, nonce, options));
    rmSync(errorLog, { force: true });
    const child = spawn(binary, ['-p', dir, '-c', conf, '-e', errorLog], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exited = false;
    child.once('exit', () => (exited = true));
    child.once('error', (error) => {
      exited = true;
      stderr += String(error);
    });
    running.add(child);
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline) {
      if ((await probe(port)) === nonce) return { child, port, tlsPort };
      await sleep(25);
    }
    if (!exited) await stop(child);
    running.delete(child);
    lastError = `${stderr}${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`.trim() || 'no answer within 10 s';
    if (!/Address already in use/.test(lastError)) break;
  }
  throw new Error(`nginx did not start: ${lastError}`);
}

/** The readiness location's body, or null while nothing (or not our nginx) answers. */
function probe(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: READY_PATH, agent: false, timeout: 1000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 ? body : null));
      response.on('error', () => resolve(null));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });
}

function size(value: string | number): string {
  const text = String(value);
  // Option values go into the config verbatim: refuse anything but an nginx size.
  if (!/^\d+[kKmMgG]?$/.test(text)) throw new Error(`not an nginx size: ${text}`);
  return text;
}

/** A value put into the config between quotes: nothing that could end the string or the directive. */
function word(value: string): string {
  if (!/^[A-Za-z0-9._~!&'()*+,=:@%/-]+$/.test(value)) throw new Error(`not a plain value for the nginx config: ${value}`);
  return value;
}

/** `path?md5=…&expires=…` for a location with `secureLinkSecret`, valid until `expires` (epoch seconds). */
export function signedPath(path: string, secret: string, expires: number): string {
  const md5 = createHash('md5').update(`${expires}${path} ${secret}`).digest('base64url');
  return `${path}?md5=${md5}&expires=${expires}`;
}

let htpasswdFiles = 0;

function directives(location: NginxLocation, dir: string): string[] {
  const lines: string[] = [];
  if (location.basicAuth !== undefined) {
    const { user, password } = location.basicAuth;
    const file = join(dir, `htpasswd-${++htpasswdFiles}`);
    writeFileSync(file, `${word(user)}:{PLAIN}${word(password)}\n`);
    chmodSync(file, 0o644);
    lines.push('auth_basic "steadfast test";', `auth_basic_user_file ${file};`);
  }
  if (location.requireCookie !== undefined) {
    const { name, value } = location.requireCookie;
    if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`not a cookie name nginx can test: ${name}`);
    lines.push(`if ($cookie_${name} != "${word(value)}") { return 403; }`);
  }
  if (location.validReferers !== undefined) {
    lines.push(`valid_referers ${location.validReferers.map(word).join(' ')};`, 'if ($invalid_referer) { return 403; }');
  }
  if (location.requireVia !== undefined) lines.push(`if ($http_via !~* "${word(location.requireVia)}") { return 403; }`);
  if (location.secureLinkSecret !== undefined) {
    lines.push(
      'secure_link $arg_md5,$arg_expires;',
      `secure_link_md5 "$secure_link_expires$uri ${word(location.secureLinkSecret)}";`,
      'if ($secure_link = "") { return 403; }',
      'if ($secure_link = "0") { return 410; }',
    );
  }
  if (location.limitRate !== undefined) lines.push(`limit_rate ${size(location.limitRate)};`);
  if (location.limitConn !== undefined) {
    if (!Number.isInteger(location.limitConn) || location.limitConn < 1) throw new Error(`limitConn must be a positive integer: ${location.limitConn}`);
    lines.push(`limit_conn perip ${location.limitConn};`);
  }
  if (location.gzip === false) lines.push('gzip off;');
  if (location.gzip !== undefined && location.gzip !== false) {
    // text/html is always compressed; hosts that gzip everything also hit binary types.
    lines.push('gzip on;', 'gzip_types application/octet-stream text/plain application/json;');
    if (typeof location.gzip === 'object' && location.gzip.minLength !== undefined) lines.push(`gzip_min_length ${size(location.gzip.minLength)};`);
  }
  return lines;
}

function config(dir: string, root: string, port: number, tlsPort: number | null, nonce: string, options: NginxOptions): string {
  const locations = Object.entries(options.locations ?? {}).map(([prefix, location]) => {
    if (!/^\/[^\s;{}"'\\]*$/.test(prefix)) throw new Error(`not a location prefix: ${prefix}`);
    return `    location ${prefix} {\n${directives(location, dir).map((line) => `      ${line}\n`).join('')}    }`;
  });
  const serverLines = directives(options, dir).map((line) => `    ${line}\n`).join('');
  // The HTTPS server serves the same folder the same way; readiness is probed over plain HTTP.
  const tlsServer =
    tlsPort === null
      ? ''
      : `  server {
    listen 127.0.0.1:${tlsPort} ssl;
    ssl_certificate ${dir}/tls.crt;
    ssl_certificate_key ${dir}/tls.key;
    root ${root};
${serverLines}${locations.join('\n')}
  }
`;
  const limited = options.limitConn !== undefined || Object.values(options.locations ?? {}).some((l) => l.limitConn !== undefined);
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  types { text/html html; text/plain txt; application/json json; application/octet-stream bin; application/zip zip; video/mp4 mp4; }
  default_type application/octet-stream;
  log_format steadfast "${LOG_FORMAT}";
  access_log ${dir}/access.log steadfast;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${dir}/tmp-body;
  proxy_temp_path ${dir}/tmp-proxy;
  fastcgi_temp_path ${dir}/tmp-fastcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi;
  scgi_temp_path ${dir}/tmp-scgi;
${limited ? '  limit_conn_zone $binary_remote_addr zone=perip:1m;\n  limit_conn_status 503;\n' : ''}  server {
    listen 127.0.0.1:${port};
    root ${root};
${serverLines}    location = ${READY_PATH} { access_log off; default_type text/plain; return 200 "${nonce}"; }
${locations.join('\n')}
  }
${tlsServer}}
`;
}

/** nginx escapes `"`, `\` and bytes outside printable ASCII as \xHH in the log. */
const unescape = (text: string): string => text.replace(/\\x([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function parseLine(line: string): NginxRequest | null {
  const fields = line.split('\t');
  if (fields.length !== 7) return null;
  const [status, method, path, range, bytes, connection, time] = fields as [string, string, string, string, string, string, string];
  return {
    status: Number(status),
    method,
    path: unescape(path),
    range: range === '-' ? null : unescape(range),
    bodyBytesSent: Number(bytes),
    connection: Number(connection),
    requestTime: Number(time),
  };
}

/** SIGTERM (nginx's fast shutdown), then SIGKILL if it has not exited within 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  // Aborted once nginx exits, so no timer keeps the process (a bench, say) alive for 5 s.
  const waiting = new AbortController();
  const timer = sleep(5000, 'timeout' as const, { signal: waiting.signal }).catch(() => 'exited' as const);
  const outcome = await Promise.race([exited.then(() => 'exited' as const), timer]);
  waiting.abort();
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

function origin(child: ChildProcess, port: number, tlsPort: number | null, dir: string, root: string): NginxOrigin {
  const base = `http://127.0.0.1:${port}`;
  const accessLog = join(dir, 'access.log');
  let closing: Promise<void> | null = null;
  const requests = (): NginxRequest[] => {
    if (!existsSync(accessLog)) return [];
    return readFileSync(accessLog, 'utf8')
      .split('\n')
      .map(parseLine)
      .filter((entry): entry is NginxRequest => entry !== null);
  };
  return {
    base,
    port,
    root,
    url: (path) => `${base}${path.startsWith('/') ? path : `/${path}`}`,
    tlsUrl(path) {
      if (tlsPort === null) throw new Error('this nginx was started without options.tls');
      return `https://127.0.0.1:${tlsPort}${path.startsWith('/') ? path : `/${path}`}`;
    },
    requests,
    bytesSent: (path) => requests().reduce((sum, r) => (r.path === path ? sum + r.bodyBytesSent : sum), 0),
    async waitForRequests(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const logged = requests();
        if (logged.length >= count) return logged;
        if (Date.now() > deadline) throw new Error(`nginx logged ${logged.length} requests, not ${count}, within ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    close() {
      closing ??= stop(child).then(() => {
        running.delete(child);
        rmSync(dir, { recursive: true, force: true });
      });
      return closing;
    },
  };
}
