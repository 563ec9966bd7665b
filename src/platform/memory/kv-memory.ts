import type { KeyValueStore, TtlOptions } from '../kv.js';
import { assertTtl } from '../ttl.js';

export interface MemoryKeyValueStoreOptions {
  /** Clock for expiry; tests inject one they can move. */
  now?: () => number;
  /** How often expired keys that nobody reads again are dropped (default 60 s). */
  sweepIntervalMs?: number;
}

type Entry = { value: string; expiresAt: number | undefined };

/**
 * Single-process store. Every operation runs without awaiting, which makes setIfAbsent and take
 * atomic for free. Expiry is checked on every read (so it is exact) and by a periodic sweep (so
 * memory does not grow with keys that are written once and never read, like replay nonces).
 */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sweepTimer: NodeJS.Timeout;

  constructor(options: MemoryKeyValueStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    // Housekeeping must never keep the process alive.
    this.#sweepTimer.unref();
  }

  /** Entries held, expired ones included until they are read or swept. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | null> {
    return this.#live(key)?.value ?? null;
  }

  async set(key: string, value: string, options: TtlOptions = {}): Promise<void> {
    this.#entries.set(key, { value, expiresAt: this.#expiry(options) });
  }

  async setIfAbsent(key: string, value: string, options: TtlOptions = {}): Promise<boolean> {
    const expiresAt = this.#expiry(options);
    if (this.#live(key)) return false;
    this.#entries.set(key, { value, expiresAt });
    return true;
  }

  async take(key: string): Promise<string | null> {
    const entry = this.#live(key);
    if (!entry) return null;
    this.#entries.delete(key);
    return entry.value;
  }

  async delete(key: string): Promise<boolean> {
    const live = this.#live(key) !== undefined;
    this.#entries.delete(key);
    return live;
  }

  async increment(key: string, options: Required<TtlOptions>): Promise<number> {
    const entry = this.#live(key);
    const count = (entry ? Number.parseInt(entry.value, 10) || 0 : 0) + 1;
    this.#entries.set(key, {
      value: String(count),
      expiresAt: entry ? entry.expiresAt : this.#expiry(options),
    });
    return count;
  }

  /** Drops every expired entry; returns how many. */
  sweep(): number {
    const now = this.#now();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  close(): void {
    clearInterval(this.#sweepTimer);
  }

  #expiry(options: TtlOptions): number | undefined {
    if (options.ttlMs === undefined) return undefined;
    assertTtl(options.ttlMs);
    return this.#now() + options.ttlMs;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
