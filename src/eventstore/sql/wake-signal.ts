/**
 * Wakes tailing subscriptions when new events may exist (a local commit or a NOTIFY from another
 * process). The generation counter closes the lost-wake-up race: a tailer reads the generation,
 * checks the log, and only sleeps if nothing was signalled in between.
 */
export class WakeSignal {
  private generation = 0;
  private waiters = new Set<() => void>();

  get current(): number {
    return this.generation;
  }

  notify(): void {
    this.generation++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify after `seen`, or after `timeoutMs` (a safety net for a missed NOTIFY). */
  wait(seen: number, timeoutMs: number, abort?: AbortSignal): Promise<void> {
    if (this.generation !== seen || abort?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        abort?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      abort?.addEventListener('abort', done, { once: true });
    });
  }
}
