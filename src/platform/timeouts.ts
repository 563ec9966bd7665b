/**
 * Every wait on a dependency is bounded so that, during an outage or a partition, a request is
 * answered (503) within 5 s: a connection or pool checkout, then one statement, fit in it.
 */
export interface DependencyTimeouts {
  /** Opening a PostgreSQL connection or waiting for a pooled one. */
  databaseConnectMs: number;
  /** One PostgreSQL statement (server-side statement_timeout; the client gives up a little later). */
  databaseStatementMs: number;
  /** One Redis command, queued while reconnecting or sent. */
  redisCommandMs: number;
}

export const DEFAULT_TIMEOUTS: DependencyTimeouts = {
  databaseConnectMs: 1_500,
  databaseStatementMs: 2_000,
  redisCommandMs: 1_000,
};
