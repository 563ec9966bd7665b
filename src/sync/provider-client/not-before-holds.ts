import type { KeyValueStore } from '../../platform/kv.js';
import { type Clock, systemClock } from './clock.js';

/**
 * "Not before" times a provider advised (429 Retry-After, GitHub's secondary limit, an exhausted
 * quota's reset), by key (a connection, a tenant, the provider app): no request under a held key
 * may leave before its time, on any instance.
 */
export interface NotBeforeHolds {
  /** Nothing under `key` leaves before `until` (epoch ms); an earlier hold never shortens a later one. */
  hold(key: string, until: number): Promise<void>;
  /** The latest time held over `keys` (epoch ms), or 0 when none is in force. */
  until(keys: readonly string[]): Promise<number>;
}

export interface NotBeforeHoldsOptions {
  /** Where every instance sees the holds (the platform's KV: Redis, or memory when embedded). */
  shared?: KeyValueStore;
  clock?: Pick<Clock, 'now'>;
  /** The shared store has this long to answer before this process's own holds decide (default 200 ms). */
  timeoutMs?: number;
  /** After the shared store failed or was late, this process's holds decide alone this long (default 5 s). */
  localForMs?: number;
  onFallback?: (error: unknown) => void;
}

const LATE = Symbol('late');
const KEY_PREFIX = 'provider-hold:';

/**
 * Holds kept in the shared KeyValueStore as the advised instant (ms) with a TTL ending at it, and
 * always also in this process, as insurance: while the store fails or is late, this process still
 * honours every hold it recorded or has seen, as the rate governor's local limiter does for budgets.
 */
export function notBeforeHolds(options: NotBeforeHoldsOptions = {}): NotBeforeHolds {
  const { shared } = options;
  const now = (options.clock ?? systemClock).now;
  const timeoutMs = options.timeoutMs ?? 200;
  const localForMs = options.localForMs ?? 5_000;
  const local = new Map<string, number>();
  let localUntil = 0;

  const remember = (key: string, until: number) => {
    if (until > (local.get(key) ?? 0)) local.set(key, until);
  };
  const localUntilOf = (key: string) => {
    const until = local.get(key) ?? 0;
    if (until <= now()) local.delete(key);
    return until;
  };

  /** The shared store's answer, or undefined when it failed or was late (then: local only for a while). */
  const fromShared = async <T>(operation: (store: KeyValueStore) => Promise<T>): Promise<T | undefined> => {
    if (!shared || now() < localUntil) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), timeoutMs);
    });
    try {
      const result = await Promise.race([operation(shared), late]);
      if (result !== LATE) return result;
      options.onFallback?.(new Error(`The hold store did not answer within ${timeoutMs} ms`));
    } catch (error) {
      options.onFallback?.(error);
    } finally {
      clearTimeout(timer);
    }
    localUntil = now() + localForMs;
    return undefined;
  };

  return {
    async hold(key, until) {
      remember(key, until);
      const ttlMs = Math.ceil(until - now());
      if (ttlMs <= 0) return;
      await fromShared(async (store) => {
        // Read, then write: two instances writing at once can at worst keep the earlier of two
        // near-simultaneous advices, and the provider's next refusal sets the later one again.
        const current = Number((await store.get(KEY_PREFIX + key)) ?? 0);
        if (current >= until) return;
        await store.set(KEY_PREFIX + key, String(until), { ttlMs });
      });
    },

    async until(keys) {
      let latest = Math.max(0, ...keys.map(localUntilOf));
      const seen = await fromShared((store) => Promise.all(keys.map((key) => store.get(KEY_PREFIX + key))));
      seen?.forEach((value, index) => {
        const until = Number(value ?? 0);
        if (!Number.isFinite(until) || until <= now()) return;
        remember(keys[index]!, until);
        latest = Math.max(latest, until);
      });
      return latest > now() ? latest : 0;
    },
  };
}
