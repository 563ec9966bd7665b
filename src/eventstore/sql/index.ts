import type { EventStore } from '../port.js';
import { type PostgresClientOptions, pgliteClient, postgresClient } from './client.js';
import { ensureSchema } from './schema.js';
import { SqlEventStore } from './store.js';

export { SqlEventStore } from './store.js';

/** The SQL event store on PostgreSQL. Creates its tables if needed. */
export async function createPostgresEventStore(
  url: string,
  options: PostgresClientOptions = {},
): Promise<EventStore> {
  const client = postgresClient(url, options);
  try {
    await ensureSchema(client);
    const store = new SqlEventStore(client);
    await store.start();
    return store;
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
}

/** The SQL event store on embedded PGlite; in memory when no directory is given. */
export async function createPgliteEventStore(options: { dataDir?: string } = {}): Promise<EventStore> {
  const client = await pgliteClient(options.dataDir);
  await ensureSchema(client);
  const store = new SqlEventStore(client);
  await store.start();
  return store;
}
