import { connect, createServer, type Socket } from 'node:net';

export interface ConnectionRecord {
  /** Bytes the proxy passed from the server to the client on this connection. */
  downstream: number;
  cut: boolean;
}

export interface TcpFaultProxy {
  port: number;
  /** The next connection(s) are destroyed once this many more downstream bytes have passed. */
  cutAfter(bytes: number): void;
  readonly connections: readonly ConnectionRecord[];
  /** HTTP request lines seen going upstream ("GET /bucket/key?x-id=GetObject HTTP/1.1"). */
  readonly requests: readonly string[];
  downstreamBytes(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a local server, cutting connections mid-response as
 * a flaky network does. It works below HTTP, so it serves any protocol, S3 included.
 */
export async function startTcpFaultProxy(targetPort: number): Promise<TcpFaultProxy> {
  const sockets = new Set<Socket>();
  const connections: ConnectionRecord[] = [];
  const requests: string[] = [];
  let budget: number | null = null;

  const server = createServer((client) => {
    const record: ConnectionRecord = { downstream: 0, cut: false };
    connections.push(record);
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('latin1').split('\r\n')) {
        if (/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(line)) requests.push(line);
      }
    });
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (record.cut) return;
      let data = chunk;
      if (budget !== null && data.byteLength >= budget) {
        data = data.subarray(0, budget);
        budget = null;
        record.cut = true;
      } else if (budget !== null) {
        budget -= data.byteLength;
      }
      record.downstream += data.byteLength;
      if (record.cut) {
        client.end(data, () => client.destroy());
        upstream.destroy();
      } else if (!client.write(data)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cutAfter(bytes) {
      budget = bytes;
    },
    connections,
    requests,
    downstreamBytes: () => connections.reduce((sum, c) => sum + c.downstream, 0),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
