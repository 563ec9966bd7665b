import net from 'node:net';

/**
 * `pass`: bytes flow both ways. `down`: every connection is dropped and new ones are refused
 * (ECONNREFUSED), like a stopped server. `partition`: connections stay open and new ones are
 * accepted, but no byte (nor a FIN) crosses until the mode changes; what was sent meanwhile is
 * then delivered, as TCP's retransmissions would after a real network partition heals.
 */
export type ForwarderMode = 'pass' | 'down' | 'partition';

export interface TcpForwarder {
  /** The port to connect to instead of the target's. */
  readonly port: number;
  readonly mode: ForwarderMode;
  /** Client connections open now. */
  readonly connections: number;
  setMode(mode: ForwarderMode): Promise<void>;
  /** Drops every connection and refuses new ones. */
  down(): Promise<void>;
  /** Holds every connection, old and new, without forwarding a byte. */
  partition(): Promise<void>;
  /** Accepts and forwards again, on the same port. */
  up(): Promise<void>;
  /** `down` and `up` under the names other suites use. */
  cut(): Promise<void>;
  resume(): Promise<void>;
  /** `url` (postgres://…, redis://…) pointing at the forwarder instead. */
  url(url: string): string;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  flowing: boolean;
}

/** A loopback TCP forwarder to `target`, to take a dependency away from a hub and give it back. */
export async function startTcpForwarder(target: { host: string; port: number }): Promise<TcpForwarder> {
  let mode: ForwarderMode = 'pass';
  const pairs = new Set<Pair>();

  const drop = (pair: Pair) => {
    if (!pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const flow = (pair: Pair) => {
    if (pair.flowing) return;
    if (pair.client.destroyed || pair.upstream?.destroyed) return drop(pair);
    pair.flowing = true;
    if (!pair.upstream) {
      const upstream = net.connect(target);
      pair.upstream = upstream;
      upstream.on('error', () => drop(pair));
      // A close while partitioned reaches the client on heal, like its bytes.
      upstream.on('close', () => mode !== 'partition' && drop(pair));
    }
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
  };

  const hold = (pair: Pair) => {
    if (!pair.flowing) return;
    pair.flowing = false;
    pair.client.unpipe();
    pair.upstream?.unpipe();
    // Paused sockets leave what arrives (data and FIN) in the kernel's buffers.
    pair.client.pause();
    pair.upstream?.pause();
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    const pair: Pair = { client, upstream: null, flowing: false };
    pairs.add(pair);
    client.on('error', () => drop(pair));
    client.on('close', () => mode !== 'partition' && drop(pair));
    if (mode === 'pass') flow(pair);
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

  const setMode = async (next: ForwarderMode) => {
    const previous = mode;
    mode = next;
    if (next === 'down') {
      for (const pair of [...pairs]) drop(pair);
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      return;
    }
    if (previous === 'down' && !server.listening) await listen(port);
    for (const pair of [...pairs]) (next === 'partition' ? hold : flow)(pair);
  };

  return {
    port,
    get mode() {
      return mode;
    },
    get connections() {
      return pairs.size;
    },
    setMode,
    down: () => setMode('down'),
    partition: () => setMode('partition'),
    up: () => setMode('pass'),
    cut: () => setMode('down'),
    resume: () => setMode('pass'),
    url(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    close: () => setMode('down'),
  };
}
