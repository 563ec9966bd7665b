import { randomUUID } from 'node:crypto';
import type { Lease, LeaseManager } from '../lease.js';
import { assertTtl } from '../ttl.js';

export interface MemoryLeaseManagerOptions {
  /** Clock for expiry; tests inject one they can move. */
  now?: () => number;
}

type Holder = { token: string; expiresAt: number };

/**
 * Leases within one process (the embedded profile runs one process, so that is all of them).
 * Lease names are few and reused, so expired holders are simply overwritten: no sweep needed.
 */
export class MemoryLeaseManager implements LeaseManager {
  readonly #holders = new Map<string, Holder>();
  readonly #now: () => number;

  constructor(options: MemoryLeaseManagerOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async acquire(name: string, options: { ttlMs: number }): Promise<Lease | null> {
    const { ttlMs } = options;
    assertTtl(ttlMs);
    if (this.#current(name)) return null;
    const token = randomUUID();
    this.#holders.set(name, { token, expiresAt: this.#now() + ttlMs });
    return {
      name,
      token,
      renew: async () => this.#renew(name, token, ttlMs),
      release: async () => this.#release(name, token),
    };
  }

  #current(name: string): Holder | undefined {
    const holder = this.#holders.get(name);
    return holder && holder.expiresAt > this.#now() ? holder : undefined;
  }

  // An expired lease cannot be renewed even if nobody took it since: Redis forgets it at expiry,
  // and both adapters must agree.
  #renew(name: string, token: string, ttlMs: number): boolean {
    const holder = this.#current(name);
    if (holder?.token !== token) return false;
    holder.expiresAt = this.#now() + ttlMs;
    return true;
  }

  #release(name: string, token: string): void {
    if (this.#holders.get(name)?.token === token) this.#holders.delete(name);
  }
}
