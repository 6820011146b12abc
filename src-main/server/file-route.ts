import type { FastifyInstance } from 'fastify';
import type { FileHandle } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { downloadIdSchema, parseInput } from '../contract/schemas.js';
import { apiError } from './api-errors.js';
import { parseRange } from './byte-ranges.js';
import { attachment } from './content-disposition.js';
import type { FileLinks } from './file-links.js';

/**
 * Opens a completed download's file after checking it is the one the download created (the
 * engine's openCompletedFile); refuses with an ApiRequestError otherwise. The caller closes it.
 */
export type CompletedFileOpener = (id: string) => Promise<{ handle: FileHandle; size: number; filename: string }>;

/** Not under /api: the door lets it through without the bearer token, since the link is the credential. */
export const FILE_ROUTE = '/files/:link';

const FILE_HEADERS = {
  'content-type': 'application/octet-stream',
  'accept-ranges': 'bytes',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; sandbox",
};

/**
 * The browser's way to a finished file (ARCHITECTURE.md §7 "File links"): a token holder asks
 * `POST /api/downloads/:id/file-link` for a short-lived link, then the browser fetches it with
 * Range support. The file is checked when the link is made and again at every request.
 */
export function registerFileRoutes(app: FastifyInstance, options: { open: CompletedFileOpener; links: FileLinks; trust(socket: Socket): void }): void {
  const { open, links } = options;

  app.post('/api/downloads/:id/file-link', async (request) => {
    const id = parseInput(downloadIdSchema, (request.params as { id: string }).id);
    await (await open(id)).handle.close();
    const { token, expiresAt } = links.mint(id);
    return { url: `/files/${token}`, expires_at: new Date(expiresAt).toISOString() };
  });

  app.get(FILE_ROUTE, { exposeHeadRoute: false }, async (request, reply) => {
    const id = links.resolve((request.params as { link: string }).link);
    if (id === null) throw apiError('FORBIDDEN', 'This file link is wrong or has expired; ask for a new one');
    options.trust(request.raw.socket);
    const file = await open(id);
    const range = parseRange(request.headers.range, file.size);
    if (range.kind === 'unsatisfiable') {
      await file.handle.close();
      return reply.code(416).header('content-range', `bytes */${file.size}`).send({
        error: { code: 'INVALID_ARGUMENT', message: `The range asked for is outside the file's ${file.size} bytes` },
      });
    }
    void reply.headers({ ...FILE_HEADERS, 'content-disposition': attachment(file.filename) });
    if (range.kind === 'whole') {
      return reply.code(200).header('content-length', file.size).send(file.handle.createReadStream({ start: 0 }));
    }
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
      .header('content-length', range.end - range.start + 1)
      .send(file.handle.createReadStream({ start: range.start, end: range.end }));
  });
}
