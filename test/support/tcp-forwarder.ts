import net from 'node:net';

export interface TcpForwarder {
  /** The port to connect to instead of the target's. */
  port: number;
  /** Drops every connection and refuses new ones (ECONNREFUSED), like a stopped server. */
  down(): Promise<void>;
  /** Accepts and forwards again, on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A loopback TCP forwarder to `target`, to take a dependency away from a hub and give it back. */
export async function startTcpForwarder(target: { host: string; port: number }): Promise<TcpForwarder> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;
  const down = async () => {
    if (listening) {
      listening = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    }
  };
  return {
    port,
    down,
    async up() {
      if (!listening) {
        await listen(port);
        listening = true;
      }
    },
    close: down,
  };
}
