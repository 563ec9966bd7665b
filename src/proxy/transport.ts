import { Pool } from 'undici';
import { guardedLookup } from './network-policy.js';

export interface TransportOptions {
  /** Sockets per provider origin (default 128). */
  connectionsPerOrigin?: number;
  connectTimeoutMs?: number;
  /** An idle kept-alive socket is closed after this (default 30 s). */
  keepAliveMs?: number;
}

/**
 * One undici Pool per provider origin, kept alive across calls. Pools of providers that may not
 * reach private networks resolve names through guardedLookup, so the address check is the very
 * resolution the socket connects to. Pools never follow redirects: a 3xx goes back to the caller.
 */
export class ProviderTransport {
  readonly #pools = new Map<string, Pool>();
  readonly #options: TransportOptions;

  constructor(options: TransportOptions = {}) {
    this.#options = options;
  }

  poolFor(origin: string, allowPrivateNetwork: boolean): Pool {
    const key = `${allowPrivateNetwork ? 'private' : 'public'} ${origin}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      const timeout = this.#options.connectTimeoutMs ?? 5_000;
      pool = new Pool(origin, {
        connections: this.#options.connectionsPerOrigin ?? 128,
        keepAliveTimeout: this.#options.keepAliveMs ?? 30_000,
        connect: allowPrivateNetwork ? { timeout } : { timeout, lookup: guardedLookup },
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
