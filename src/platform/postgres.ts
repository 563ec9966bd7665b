import { DependencyError } from '../shared/errors.js';
import { DEFAULT_TIMEOUTS } from './timeouts.js';

/**
 * Bounds on every wait for PostgreSQL (config.ts: SWITCHBOARD_DB_*_TIMEOUT_MS). During an outage
 * or a partition (connections open, no bytes) a caller learns within connect + statement time
 * that the database is unavailable instead of waiting for the network to heal.
 */
export interface PostgresTimeouts {
  /** Opening a connection, or waiting for a pooled one. */
  connectMs: number;
  /** One statement: the server cancels it (statement_timeout), the client stops waiting soon after. */
  statementMs: number;
}

export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = {
  connectMs: DEFAULT_TIMEOUTS.databaseConnectMs,
  statementMs: DEFAULT_TIMEOUTS.databaseStatementMs,
};

/** The client waits this much longer than the server's statement_timeout, so the server's cancel comes first. */
const CLIENT_GRACE_MS = 500;
/** A session whose client vanished inside a transaction gives its locks (the append lock) back. */
const IDLE_IN_TRANSACTION_MS = 10_000;
/** TCP keepalive probes notice a peer that vanished without closing the connection. */
const KEEPALIVE_DELAY_MS = 10_000;

/** The pg.Client / pg.Pool options (as pg spells them) that bound connecting, checking out and every query. */
export interface BoundedPgOptions {
  connectionTimeoutMillis: number;
  statement_timeout: number;
  query_timeout: number;
  idle_in_transaction_session_timeout: number;
  keepAlive: boolean;
  keepAliveInitialDelayMillis: number;
}

export function boundedPgOptions(timeouts: PostgresTimeouts): BoundedPgOptions {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + CLIENT_GRACE_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  };
}

// Socket errors, and SQLSTATE classes 08 (connection exception) and 57 (operator intervention:
// shutdown, statement timeout) plus 53300 (too many connections): the database, not the query.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '53300',
]);
const UNAVAILABLE_CLASSES = ['08', '57'];
// What pg and pg-pool say when a connection ends or a deadline passes (these errors carry no code).
const UNAVAILABLE_MESSAGES = [
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection timeout',
  'timeout expired',
  'not queryable',
  'Client was closed',
];

// How Prisma's driver adapters name the same failures (DriverAdapterError's cause.kind).
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

const unavailableCode = (code: unknown) =>
  typeof code === 'string' &&
  (UNAVAILABLE_CODES.has(code) || (code.length === 5 && UNAVAILABLE_CLASSES.includes(code.slice(0, 2))));

/** Whether `error` (or what it wraps) says the database is unreachable or did not answer in time. */
export function isPostgresUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof DependencyError) return true;
    const { code, originalCode, kind, message } = current as Record<string, unknown>;
    if (unavailableCode(code) || unavailableCode(originalCode)) return true;
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.includes(text)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** `error` as a DependencyError when the database is unavailable; otherwise unchanged. */
export function translatePostgresError(error: unknown, what: string): unknown {
  if (error instanceof DependencyError || !isPostgresUnavailable(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DependencyError(`${what} is unavailable: ${reason}`, { cause: error });
}
