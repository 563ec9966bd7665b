/**
 * Small, short-lived shared state: OAuth states and PKCE verifiers, webhook replay nonces, dedupe
 * markers. Values are strings (callers choose their encoding). Not a database: a Redis restart
 * without persistence forgets everything, so nothing here may be the only copy of a fact.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  /** Overwrites; without `ttlMs` the key no longer expires (also when it had a TTL before). */
  set(key: string, value: string, options?: TtlOptions): Promise<void>;
  /** Atomic: true for exactly one of any number of concurrent callers (nonce and dedupe checks). */
  setIfAbsent(key: string, value: string, options?: TtlOptions): Promise<boolean>;
  /** Atomic get-and-delete: a value is returned to at most one caller (single-use OAuth states). */
  take(key: string): Promise<string | null>;
  /** True when a (live) key was removed. */
  delete(key: string): Promise<boolean>;
  /**
   * Atomic counter: adds one and returns the new count. The TTL is set when the counter is created
   * and never moved, so `increment(windowKey, { ttlMs })` counts a fixed window (rate budgets).
   */
  increment(key: string, options: Required<TtlOptions>): Promise<number>;
}

export interface TtlOptions {
  /** Expire after this many milliseconds (a positive whole number). */
  ttlMs?: number;
}
