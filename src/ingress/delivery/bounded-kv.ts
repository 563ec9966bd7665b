import type { KeyValueStore } from '../../platform/kv.js';
import { DependencyError } from '../../shared/errors.js';

/**
 * How long ingress waits for the kv store (the rejection budget). Redis answers
 * in a millisecond; past this it is down or partitioned, and ingress goes on without it.
 */
export const INGRESS_KV_DEADLINE_MS = 500;

/**
 * The kv store for callers that only use it to go faster (ingress: a delivery is deduplicated by
 * the log anyway): an answer that does not come within `deadlineMs` is a DependencyError, which
 * they fall back from, instead of a webhook that waits as long as a partition lasts.
 */
export function boundedKeyValueStore(kv: KeyValueStore, deadlineMs = INGRESS_KV_DEADLINE_MS): KeyValueStore {
  const bounded =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      withinDeadline(call(...args), deadlineMs, operation);
  return {
    get: bounded('get', (key) => kv.get(key)),
    set: bounded('set', (key, value, options) => kv.set(key, value, options)),
    setIfAbsent: bounded('setIfAbsent', (key, value, options) => kv.setIfAbsent(key, value, options)),
    take: bounded('take', (key) => kv.take(key)),
    delete: bounded('delete', (key) => kv.delete(key)),
    increment: bounded('increment', (key, options) => kv.increment(key, options)),
  };
}

function withinDeadline<T>(call: Promise<T>, deadlineMs: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DependencyError(`kv ${operation} did not answer within ${deadlineMs} ms`)),
      deadlineMs,
    );
    // Settles the outer promise once; a late answer (or failure) of the call is dropped.
    call.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
