import type { EventStore } from '../../src/eventstore/port.js';

/**
 * Holds every append to streams starting with `prefix` until `release()`: a test can then show
 * that an answer waits for its record. `restore()` puts the store's own append back.
 */
export function holdAppends(
  store: EventStore,
  prefix: string,
): { held: string[]; release(): void; restore(): void } {
  const append = store.append;
  const held: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  store.append = (async (...args: Parameters<EventStore['append']>) => {
    if (args[0].startsWith(prefix)) {
      held.push(args[0]);
      await gate;
    }
    return append.apply(store, args);
  }) as EventStore['append'];
  return {
    held,
    release,
    restore: () => {
      release();
      store.append = append;
    },
  };
}
