import type { KeyValueStore } from '../../platform/kv.js';
import type { Logger } from '../../platform/logger.js';
import { warnEvery } from './warn-every.js';

/** Long enough for providers' automatic retries (Slack: minutes; Standard Webhooks: about a day). */
export const DEFAULT_REPLAY_TTL_MS = 26 * 60 * 60 * 1000;

/**
 * The fast path for redeliveries: a delivery whose key was remembered is acknowledged, with the
 * ids of the signals it produced, without touching the event store. It is only an optimisation of
 * correctness the log already has (deterministic event ids: a redelivery that gets past the guard
 * is found to be a duplicate by the append), so it is written AFTER the append (a marker that
 * outlived a failed append would acknowledge a retry of a delivery that was never recorded), and
 * when the kv store fails or does not answer the guard says "not seen" and ingress goes on.
 */
export class ReplayGuard {
  readonly #warn: ReturnType<typeof warnEvery>;

  constructor(
    private readonly kv: KeyValueStore,
    logger: Logger,
    private readonly ttlMs = DEFAULT_REPLAY_TTL_MS,
  ) {
    this.#warn = warnEvery(logger);
  }

  /** The signal ids remembered under the first of `keys` found; null when none was (or the kv failed). */
  async seen(
    scope: { tenantId: string; connectionId: string },
    keys: readonly string[],
  ): Promise<string[] | null> {
    try {
      const found = await Promise.all(keys.map((key) => this.kv.get(this.#key(scope, key))));
      const value = found.find((candidate) => candidate !== null);
      return value === undefined || value === null ? null : value.split(',').filter((id) => id !== '');
    } catch (error) {
      this.#warn({ err: error }, 'webhook replay guard unavailable; the log deduplicates deliveries');
      return null;
    }
  }

  /** Best effort: a failure only means the next redelivery is deduplicated by the log instead. */
  async remember(
    scope: { tenantId: string; connectionId: string },
    keys: readonly string[],
    signalIds: readonly string[],
  ): Promise<void> {
    try {
      await Promise.all(
        keys.map((key) =>
          this.kv.setIfAbsent(this.#key(scope, key), signalIds.join(','), { ttlMs: this.ttlMs }),
        ),
      );
    } catch (error) {
      this.#warn({ err: error }, 'webhook replay guard not updated');
    }
  }

  #key(scope: { tenantId: string; connectionId: string }, key: string): string {
    return `webhooks:seen:${scope.tenantId}:${scope.connectionId}:${key}`;
  }
}
