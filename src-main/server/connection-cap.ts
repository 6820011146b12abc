import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionCap {
  /** This connection carried a request with the right token: it is never pushed out for a newcomer. */
  trust(socket: Socket): void;
}

/**
 * At most `max` connections at once, so slow or silent sockets cannot take every file handle the
 * downloads need (ARCHITECTURE.md §7). Refusing newcomers when full would let anyone without the
 * token lock token holders out for as long as they keep sockets open; instead a newcomer takes
 * the place of the oldest connection that has not shown the token. A token holder's connection is
 * never pushed out, and a token holder's new one gets in unless `max` trusted connections are open.
 * The oldest untrusted socket is the one most likely stalling: a real client sends its request
 * within milliseconds of connecting, and then it is either trusted or closed (a refusal closes).
 */
export function capConnections(server: Server, max: number): ConnectionCap {
  const open = new Set<Socket>();
  // Insertion order is age: the first is the oldest.
  const untrusted = new Set<Socket>();
  // Under TLS a request's socket is the TLS socket, not the TCP one counted here: the peer's
  // address and port name the same connection.
  const byPeer = new Map<string, Socket>();
  const peerOf = (socket: Socket) => `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
  const forget = (socket: Socket, peer: string) => {
    open.delete(socket);
    untrusted.delete(socket);
    if (byPeer.get(peer) === socket) byPeer.delete(peer);
  };

  server.on('connection', (socket: Socket) => {
    const peer = peerOf(socket);
    open.add(socket);
    untrusted.add(socket);
    byPeer.set(peer, socket);
    socket.once('close', () => forget(socket, peer));
    if (open.size <= max) return;
    // The newcomer is untrusted too (the set is never empty here): when every other connection
    // is trusted, it is the one to go.
    const [oldest = socket] = untrusted;
    forget(oldest, peerOf(oldest));
    oldest.destroy();
  });

  return {
    trust(socket) {
      const counted = byPeer.get(peerOf(socket));
      if (counted !== undefined) untrusted.delete(counted);
    },
  };
}
