import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { tempDir } from './engine-harness.js';

export interface TlsOrigin {
  /** The certificate (PEM) to trust: self-signed for 127.0.0.1, made for this origin alone. */
  certificate: string;
  url(path: string): string;
  /** Every request's path and query, in order. */
  readonly requests: readonly string[];
  /** TLS connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A self-signed certificate for IP 127.0.0.1, valid for a day, made by the openssl CLI. */
function selfSigned(): { cert: string; key: string } {
  const dir = tempDir();
  try {
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
    args.push('-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    args.push('-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'));
    execFileSync('openssl', args, { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An HTTPS server on 127.0.0.1 (port 0) answering every request with `handler`. */
export async function startTlsOrigin(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TlsOrigin> {
  const { cert, key } = selfSigned();
  const requests: string[] = [];
  const server: Server = createServer({ cert, key }, (request, response) => {
    requests.push(request.url ?? '');
    handler(request, response);
  });
  let connections = 0;
  server.on('secureConnection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    certificate: cert,
    url: (path) => `https://127.0.0.1:${port}${path}`,
    requests,
    connections: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
