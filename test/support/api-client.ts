import { request as httpRequest } from 'node:http';

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

/**
 * One raw HTTP request with full control of headers and body (Host, Origin, broken JSON),
 * which fetch would not allow.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A client of the REST API with the token and JSON handled. */
export function apiClient(port: number, token: string) {
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    rawRequest(port, method, path, {
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    call,
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  };
}

export interface EventStream {
  events: { event: string; data: unknown }[];
  comments: number;
  /** False once the connection has closed, from either side. */
  open: boolean;
  close(): void;
}

/** Reads GET /api/events as a browser's EventSource would, keeping every event in order. */
export function openEventStream(port: number, token: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const stream: EventStream = { events: [], comments: 0, open: true, close: () => req.destroy() };
    const req = httpRequest(
      { host: '127.0.0.1', port, path: '/api/events', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`events: HTTP ${res.statusCode}`));
        let buffer = '';
        res.on('close', () => (stream.open = false));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.startsWith(':')) {
              stream.comments += 1;
              continue;
            }
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = /^data: (.*)$/m.exec(block)?.[1];
            stream.events.push({ event, data: data === undefined ? null : JSON.parse(data) });
          }
        });
        resolve(stream);
      },
    );
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}
