import type { AccessToken, CheckedOutCredentials, ConnectionServices } from '../connections/index.js';
import { MAX_EXPIRY_SKEW_MS } from '../connections/tokens/freshness.js';

export type TokenCheckout = Pick<ConnectionServices, 'credentialsFor' | 'refreshAfterUnauthorized'>;

export interface CredentialCacheOptions {
  checkout: TokenCheckout;
  /** The longest a checkout is reused, whatever the notices say (default 60 s): notices are best effort. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  credentials: CheckedOutCredentials;
  until: number;
}

const keyOf = (tenantId: string, connectionId: string) => `${tenantId}\u0000${connectionId}`;

/**
 * The token checkout (a read, a decryption) kept off the proxy's hot path: a connection's
 * credentials are reused in this process until their expiry skew, the TTL, or a credentials
 * notice (TokenRotated, ConnectionRevoked ...) for that connection, whichever comes first. A 401
 * goes to the real refresh (its single flight) and forgets the entry.
 */
export class CredentialCache implements TokenCheckout {
  readonly #checkout: TokenCheckout;
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Bumped by every forget: a checkout that started before one must not be stored after it. */
  #epoch = 0;

  constructor(options: CredentialCacheOptions) {
    this.#checkout = options.checkout;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async credentialsFor(tenantId: string, connectionId: string): Promise<CheckedOutCredentials> {
    const key = keyOf(tenantId, connectionId);
    const hit = this.#entries.get(key);
    if (hit && hit.until > this.#now()) return hit.credentials;
    this.#entries.delete(key);
    const epoch = this.#epoch;
    const credentials = await this.#checkout.credentialsFor(tenantId, connectionId);
    if (epoch === this.#epoch) this.#store(key, credentials);
    return credentials;
  }

  async refreshAfterUnauthorized(
    tenantId: string,
    connectionId: string,
    rejectedAccessToken: string,
  ): Promise<AccessToken> {
    this.forget([connectionId]);
    return this.#checkout.refreshAfterUnauthorized(tenantId, connectionId, rejectedAccessToken);
  }

  forget(connectionIds: readonly string[]): void {
    this.#epoch++;
    const ids = new Set(connectionIds);
    for (const [key, entry] of this.#entries) {
      if (ids.has(entry.credentials.connectionId)) this.#entries.delete(key);
    }
  }

  forgetAll(): void {
    this.#epoch++;
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  #store(key: string, credentials: CheckedOutCredentials): void {
    const expiry = credentials.expiresAt ? credentials.expiresAt.getTime() - MAX_EXPIRY_SKEW_MS : Infinity;
    const until = Math.min(this.#now() + this.#ttlMs, expiry);
    if (until <= this.#now()) return;
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { credentials, until });
  }
}
