import { createKurrentDbEventStore } from '../../../src/eventstore/kurrentdb/index.js';
import type { EventStore } from '../../../src/eventstore/port.js';
import { type KurrentDbDouble, type KurrentDbDoubleOptions, startKurrentDbDouble } from './index.js';

export interface DoubleWithStore {
  double: KurrentDbDouble;
  /** The KurrentDB adapter connected to the double. */
  store: EventStore;
  /** Closes the store, then the double. */
  cleanup(): Promise<void>;
}

/** A protocol double and the adapter talking to it: what most KurrentDB tests start from. */
export async function startDoubleWithStore(options: KurrentDbDoubleOptions = {}): Promise<DoubleWithStore> {
  const double = await startKurrentDbDouble(options);
  const store = createKurrentDbEventStore(double.connectionString);
  return {
    double,
    store,
    cleanup: async () => {
      await store.close();
      await double.close();
    },
  };
}
