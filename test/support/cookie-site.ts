import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

/** A file the site serves only to a visitor who holds its session cookie. */
export interface SiteFile {
  content: Buffer;
  /** Sent as `Content-Disposition: attachment; filename="…"`; the browser's chosen name. */
  attachmentName: string;
  /**
   * Sent 64 KiB every 10 ms instead of at once, so that Firefox, whose extension sees a download
   * only once it has started, is still saving it when the extension acts.
   */
  paced?: boolean;
}

const PACE_CHUNK = 64 * 1024;
const PACE_MS = 10;

function sendBody(response: ServerResponse, body: Buffer, paced: boolean): void {
  if (!paced) {
    response.end(body);
    return;
  }
  let offset = 0;
  const next = (): void => {
    if (response.destroyed) return;
    const chunk = body.subarray(offset, offset + PACE_CHUNK);
    offset += chunk.length;
    if (offset >= body.length) response.end(chunk);
    else response.write(chunk, () => setTimeout(next, PACE_MS));
  };
  next();
}

export interface SiteRequest {
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
}

export interface CookieSite {
  port: number;
  /** The session cookie the page set, `sid=<random>`. */
  cookie: string;
  url(path: string): string;
  requests: SiteRequest[];
  close(): Promise<void>;
}

/**
 * A signed-in web site on 127.0.0.1: `/` sets a session cookie and links to each file (`<a>`
 * and, for the context menu, `<img>`); a file request without that cookie gets 403.
 */
export async function startCookieSite(files: Record<string, SiteFile>): Promise<CookieSite> {
  const cookie = `sid=${randomBytes(12).toString('hex')}`;
  const requests: SiteRequest[] = [];
  const links = Object.keys(files)
    .map((path) => `<p><a id="${path.slice(1).replace(/\W/g, '-')}" href="${path}">${path.slice(1)}</a></p>`)
    .join('\n');
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const record: SiteRequest = { path, headers: request.headers, status: 200 };
    requests.push(record);
    const file = files[path];
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': `${cookie}; Path=/; HttpOnly; SameSite=Lax` });
      response.end(`<!doctype html><title>Members</title><h1>Members' files</h1>${links}`);
    } else if (file === undefined) {
      record.status = 404;
      response.writeHead(404).end();
    } else if (request.headers.cookie !== cookie) {
      record.status = 403;
      response.writeHead(403, { 'content-type': 'text/plain' }).end('sign in first');
    } else {
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(file.content.length),
        'content-disposition': `attachment; filename="${file.attachmentName}"`,
      });
      sendBody(response, file.content, file.paced === true);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    cookie,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
