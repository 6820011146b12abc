/**
 * A SOCKS5 proxy (RFC 1928, CONNECT only, with RFC 1929 user/password when asked) on
 * 127.0.0.1 for the proxy tests: Debian has no SOCKS server as small as tinyproxy, and the
 * protocol is a few bytes each way. It records every CONNECT target and only connects to
 * 127.0.0.1 (any other address gets "connection not allowed").
 */
import net from 'node:net';

export interface Socks5Proxy {
  /** 127.0.0.1:port */
  host: string;
  /** Targets asked for, as host:port, in order. */
  readonly connects: readonly string[];
  close(): Promise<void>;
}

/** Reads exactly `count` bytes from the socket, whatever chunks they come in. */
function reader(socket: net.Socket): (count: number) => Promise<Buffer> {
  let buffered = Buffer.alloc(0);
  let waiting: { count: number; resolve: (bytes: Buffer) => void } | null = null;
  const feed = () => {
    if (waiting === null || buffered.length < waiting.count) return;
    const { count, resolve } = waiting;
    waiting = null;
    const bytes = buffered.subarray(0, count);
    buffered = buffered.subarray(count);
    resolve(bytes);
  };
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    feed();
  };
  socket.on('data', onData);
  return (count) =>
    new Promise((resolve) => {
      waiting = { count, resolve };
      feed();
    });
}

export async function startSocks5Proxy(auth?: { user: string; password: string }): Promise<Socks5Proxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    void handshake(client).catch(() => client.destroy());
  });

  async function handshake(client: net.Socket): Promise<void> {
    const read = reader(client);
    const [, methodCount = 0] = await read(2);
    const methods = [...(await read(methodCount))];
    const wanted = auth ? 2 : 0;
    if (!methods.includes(wanted)) return void client.end(Buffer.from([5, 0xff]));
    client.write(Buffer.from([5, wanted]));
    if (auth) {
      const [, userLength = 0] = await read(2);
      const user = (await read(userLength)).toString();
      const [passwordLength = 0] = await read(1);
      const password = (await read(passwordLength)).toString();
      const ok = user === auth.user && password === auth.password;
      client.write(Buffer.from([1, ok ? 0 : 1]));
      if (!ok) return void client.end();
    }
    const [, command, , addressType] = await read(4);
    let address: string;
    if (addressType === 1) address = [...(await read(4))].join('.');
    else if (addressType === 3) address = (await read((await read(1))[0]!)).toString();
    else return void client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
    const port = (await read(2)).readUInt16BE(0);
    connects.push(`${address}:${port}`);
    if (command !== 1 || address !== '127.0.0.1') return void client.end(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]));
    client.removeAllListeners('data');
    const upstream = net.connect(port, address);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
    upstream.once('connect', () => {
      client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
      client.pipe(upstream).pipe(client);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    connects,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
