import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { tempDir } from './engine-harness.js';

export interface TlsOrigin {
  /** The certificate (PEM) it serves: self-signed for 127.0.0.1 and made for this origin alone, unless another was given. */
  certificate: string;
  url(path: string): string;
  /** Every request's path and query, in order. */
  readonly requests: readonly string[];
  /** TCP connections accepted, handshakes that failed included. */
  readonly connections: number;
  close(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Runs `make(dir)` in a temporary folder with the openssl CLI; the folder goes afterwards. */
function inTemp<T>(make: (dir: string, openssl: (...args: string[]) => void) => T): T {
  const dir = tempDir();
  try {
    return make(dir, (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate for IP 127.0.0.1, valid for a day, made by the openssl CLI. */
function selfSigned(): { cert: string; key: string } {
  return inTemp((dir, openssl) => {
    openssl('req', '-x509', ...EC, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'key.pem', '-out', 'cert.pem');
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  });
}

/** A certificate authority of its own, for leaves that a test trusts (or not) through it. */
export interface TestAuthority {
  certificate: string;
  key: string;
}

export function makeAuthority(name = 'Steadfast Test CA'): TestAuthority {
  return inTemp((dir, openssl) => {
    openssl('req', '-x509', ...EC, '-days', '1', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-keyout', 'ca.key', '-out', 'ca.pem');
    return { certificate: readFileSync(join(dir, 'ca.pem'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') };
  });
}

/**
 * A leaf signed by `authority` for `altName` (`IP:127.0.0.1`, `DNS:other.example`). `days: -1`
 * makes one that expired: OpenSSL 3.0's `x509` has no `-not_after`, but a negative validity
 * puts its end a day before its start (now).
 */
export function signLeaf(authority: TestAuthority, options: { altName: string; days: number }): { cert: string; key: string } {
  return inTemp((dir, openssl) => {
    writeFileSync(join(dir, 'ca.pem'), authority.certificate);
    writeFileSync(join(dir, 'ca.key'), authority.key);
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${options.altName}\n`);
    openssl('req', '-new', ...EC, '-subj', '/CN=leaf', '-keyout', 'key.pem', '-out', 'leaf.csr');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', String(options.days), '-extfile', 'ext.cnf', '-out', 'cert.pem');
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  });
}

/** An HTTPS server on 127.0.0.1 (port 0) answering every request with `handler`; self-signed unless `identity` is given. */
export async function startTlsOrigin(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  identity: { cert: string; key: string } = selfSigned(),
): Promise<TlsOrigin> {
  const { cert, key } = identity;
  const requests: string[] = [];
  const server: Server = createServer({ cert, key }, (request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    certificate: cert,
    url: (path) => `https://127.0.0.1:${port}${path}`,
    requests,
    get connections() {
      return connections;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
