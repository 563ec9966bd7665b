import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  boundedPgOptions,
  DEFAULT_POSTGRES_TIMEOUTS,
  isPostgresUnavailable,
  type PostgresTimeouts,
  translatePostgresError,
} from '../../platform/postgres.js';
import { makePrivateTree, withPrivateUmask } from '../../platform/private-files.js';
import { PostgresListener } from './postgres-listener.js';

/** What the SQL store needs of a database: the same calls on PostgreSQL (pg) and PGlite. */
export interface QueryOptions {
  /**
   * Keeps the statement prepared under this name on each PostgreSQL connection (PGlite ignores
   * it). For statements with large parameters: an unnamed statement is planned anew on every call
   * with its parameters folded in as constants, and the planner copies each of them several times;
   * a prepared one soon runs a generic plan that hands them to the executor as they are.
   */
  prepare?: string;
}

export interface SqlExecutor {
  query<Row>(text: string, params?: unknown[], options?: QueryOptions): Promise<Row[]>;
}

export interface SqlClient extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** LISTEN on `channel`; returns the unlisten function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// Connection-level failures and missed deadlines mean the store is unavailable (DependencyError);
// everything else is a query error and stays what it is.
function translate(error: unknown): never {
  throw translatePostgresError(error, 'The event store database');
}

export interface PostgresClientOptions {
  poolSize?: number;
  /** Bounds on connecting and on each statement (default: config.ts DEFAULT_TIMEOUTS). */
  timeouts?: PostgresTimeouts;
}

export function postgresClient(url: string, options: PostgresClientOptions = {}): SqlClient {
  const connection = {
    connectionString: url,
    ...boundedPgOptions(options.timeouts ?? DEFAULT_POSTGRES_TIMEOUTS),
  };
  const pool = new pg.Pool({
    ...connection,
    max: options.poolSize ?? 10,
    application_name: 'switchboard-eventstore',
  });
  // An idle client that loses its connection emits here; without a listener Node would crash.
  pool.on('error', () => {});
  const listeners: PostgresListener[] = [];
  return {
    kind: 'postgres',
    async query<Row>(text: string, params?: unknown[], options: QueryOptions = {}) {
      try {
        const config = options.prepare
          ? { name: options.prepare, text, values: params }
          : { text, values: params };
        return (await pool.query(config)).rows as Row[];
      } catch (error) {
        translate(error);
      }
    },
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>) {
      const client = await pool.connect().catch(translate);
      // A checked-out client whose connection dies emits 'error'; unhandled, that would crash the process.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await work({ query: async (text, params) => (await client.query(text, params)).rows });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that timed out or broke cannot roll back: destroying it ends the transaction.
        if (isPostgresUnavailable(error)) broken ??= error as Error;
        else
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken ??= rollbackError;
          });
        translate(error);
      } finally {
        client.off('error', onError);
        // A client whose connection failed is destroyed, not returned to the pool for the next append.
        client.release(broken ?? false);
      }
    },
    async listen(channel, onNotify) {
      const listener = new PostgresListener(connection, channel, onNotify);
      await listener.connect();
      listeners.push(listener);
      return async () => {
        listeners.splice(listeners.indexOf(listener), 1);
        await listener.close();
      };
    },
    async close() {
      await Promise.all(listeners.splice(0).map((listener) => listener.close()));
      await pool.end();
    },
  };
}

export async function pgliteClient(dataDir?: string): Promise<SqlClient> {
  // PGlite does not create parent directories; and what it creates must be its owner's only.
  if (dataDir) await makePrivateTree(dataDir);
  const db = await withPrivateUmask(() => PGlite.create(dataDir));
  if (dataDir) await makePrivateTree(dataDir);
  return {
    kind: 'pglite',
    async query<Row>(text: string, params?: unknown[]) {
      return (await db.query<Row>(text, params)).rows;
    },
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>) {
      // PGlite has one connection; inside a transaction every query must go through `tx`.
      return db.transaction((tx) =>
        work({ query: async (text, params) => (await tx.query(text, params)).rows as never }),
      );
    },
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, onNotify);
      return async () => unlisten();
    },
    async close() {
      await db.close();
      // Files PGlite created while open (0666) are left 0600 at rest.
      if (dataDir) await makePrivateTree(dataDir);
    },
  };
}
