import { describe } from 'vitest';
import { createKurrentDbEventStore } from '../../src/eventstore/kurrentdb/index.js';
import { startKurrentDbDouble } from '../support/kurrentdb-double/index.js';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract('KurrentDB (protocol double)', async () => {
  const double = await startKurrentDbDouble();
  const store = createKurrentDbEventStore(double.connectionString);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await double.close();
    },
  };
});

const realUrl = process.env.KURRENTDB_URL;
describe.skipIf(!realUrl)('KurrentDB (real server at KURRENTDB_URL)', () => {
  describeEventStoreContract('KurrentDB (real server)', async () => {
    const store = createKurrentDbEventStore(realUrl ?? '');
    return { store, cleanup: () => store.close() };
  });
});
