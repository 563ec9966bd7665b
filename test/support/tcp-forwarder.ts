import net from 'node:net';

/**
 * `pass`: bytes flow both ways. `down`: every connection is reset and new ones are reset on
 * accept (the service crashed or its port is closed). `partition`: connections stay open and new
 * ones are accepted, but no byte (nor a FIN) crosses until the mode changes back; what was sent
 * meanwhile is then delivered, as TCP's retransmissions would after a real network partition.
 */
export type ForwarderMode = 'pass' | 'down' | 'partition';

export interface TcpForwarder {
  readonly port: number;
  readonly mode: ForwarderMode;
  /** Open client connections. */
  readonly connections: number;
  setMode(mode: ForwarderMode): void;
  /** `url` with its host and port replaced by the forwarder's (postgres://…, redis://…). */
  url(url: string): string;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  flowing: boolean;
}

/** A TCP proxy on a random loopback port in front of `target`, for fault tests. */
export async function startTcpForwarder(target: { host: string; port: number }): Promise<TcpForwarder> {
  let mode: ForwarderMode = 'pass';
  const pairs = new Set<Pair>();

  const drop = (pair: Pair) => {
    if (!pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  const flow = (pair: Pair) => {
    if (pair.flowing || !pairs.has(pair)) return;
    pair.flowing = true;
    if (!pair.upstream) {
      const upstream = net.connect(target);
      pair.upstream = upstream;
      upstream.on('error', () => drop(pair));
      upstream.on('close', () => {
        // A close that happens while partitioned reaches the client on heal, like its bytes.
        if (mode !== 'partition') drop(pair);
      });
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
    if (mode === 'down') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: null, flowing: false };
    pairs.add(pair);
    client.on('error', () => drop(pair));
    client.on('close', () => {
      if (mode !== 'partition') drop(pair);
    });
    if (mode === 'pass') flow(pair);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    get mode() {
      return mode;
    },
    get connections() {
      return pairs.size;
    },
    setMode(next) {
      mode = next;
      for (const pair of [...pairs]) {
        if (next === 'down') {
          pairs.delete(pair);
          pair.client.resetAndDestroy();
          pair.upstream?.destroy();
        } else if (next === 'partition') hold(pair);
        else if (pair.client.destroyed || pair.upstream?.destroyed) drop(pair);
        else flow(pair);
      }
    },
    url(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    async close() {
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
