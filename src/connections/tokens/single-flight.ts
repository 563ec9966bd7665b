/**
 * One run per key at a time in this process: callers that arrive while a run is in flight share
 * its promise (20 concurrent checkouts of an expired token wait for one refresh).
 */
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const pending = this.#inflight.get(key);
    if (pending) return pending;
    const started = work().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, started);
    return started;
  }

  get size(): number {
    return this.#inflight.size;
  }
}
