import { createServer, type IncomingMessage } from 'node:http';

export type CannedReply =
  /** An S3 error: the status and S3's error code, in the XML body S3 uses. */
  | { status: number; code: string; headers?: Record<string, string> }
  /** An object body (200 or 206, with its headers); `dropAfter` cuts the connection mid-body. */
  | { status: number; body: Buffer; headers: Record<string, string>; dropAfter?: number }
  /** A 206 of `object` for whatever Range the request asked, as a store that ignores IfMatch sends. */
  | { rangeOf: Buffer; headers: Record<string, string> };

/**
 * S3 errors that s3rver cannot produce (it skips signatures and IfMatch): a server that answers
 * each request with the next canned reply, in S3's XML error format.
 */
export async function startCannedS3(...replies: CannedReply[]) {
  const requests: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    const reply = replies.shift() ?? { status: 500, code: 'InternalError' };
    if ('rangeOf' in reply) {
      const first = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
      const size = reply.rangeOf.byteLength;
      res.writeHead(206, {
        'content-length': size - first,
        'content-range': `bytes ${first}-${size - 1}/${size}`,
        ...reply.headers,
      });
      res.end(reply.rangeOf.subarray(first));
      return;
    }
    if ('body' in reply) {
      res.writeHead(reply.status, { 'content-length': reply.body.byteLength, ...reply.headers });
      if (reply.dropAfter === undefined) res.end(reply.body);
      else res.write(reply.body.subarray(0, reply.dropAfter), () => res.socket?.destroy());
      return;
    }
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${reply.code}</Code><Message>canned ${reply.code}</Message><RequestId>test</RequestId></Error>`;
    res.writeHead(reply.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...reply.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
