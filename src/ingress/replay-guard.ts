import type { KeyValueStore } from '../platform/kv.js';

/** Long enough for providers' automatic retries (Slack: minutes; Standard Webhooks: about a day). */
export const DEFAULT_REPLAY_TTL_MS = 26 * 60 * 60 * 1000;

/**
 * The fast path for redeliveries: a delivery whose key was remembered is acknowledged without
 * touching the event store. It is only an optimisation of correctness the log already has
 * (deterministic event ids, the read model's key), so it is written AFTER the append: a marker
 * that outlived a failed append would acknowledge a retry of a delivery that was never recorded.
 */
export class ReplayGuard {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlMs = DEFAULT_REPLAY_TTL_MS,
  ) {}

  async seen(scope: { tenantId: string; connectionId: string }, keys: readonly string[]): Promise<boolean> {
    const found = await Promise.all(keys.map((key) => this.kv.get(this.#key(scope, key))));
    return found.some((value) => value !== null);
  }

  async remember(
    scope: { tenantId: string; connectionId: string },
    keys: readonly string[],
    value: string,
  ): Promise<void> {
    await Promise.all(
      keys.map((key) => this.kv.setIfAbsent(this.#key(scope, key), value, { ttlMs: this.ttlMs })),
    );
  }

  #key(scope: { tenantId: string; connectionId: string }, key: string): string {
    return `webhooks:seen:${scope.tenantId}:${scope.connectionId}:${key}`;
  }
}
