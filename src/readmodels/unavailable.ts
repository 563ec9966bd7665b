/**
 * Whether an error from Prisma (over @prisma/adapter-pg or PGlite) or pg means the database could
 * not be used right now (unreachable, connection lost, a timeout), as opposed to a query that is
 * wrong. Callers outside an adapter (the GraphQL edge) use it to answer "retry" instead of "bug".
 */

// Prisma's codes for: cannot reach, timed out reaching, operation timed out, connection closed,
// no pooled connection in time, too many connections.
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
const ADAPTER_UNAVAILABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EHOSTUNREACH',
]);
// SQLSTATE: connection exceptions (08…), statement timeout or cancel (57014), shutdowns and
// "cannot connect now" (57P0x), too many connections (53300).
const SQLSTATE_UNAVAILABLE = /^(08...|57014|57P0[1-4]|53300)$/;
// pg raises these without a code: its connection timeout, a dropped connection, an ended pool.
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|Client has encountered a connection error|PGlite is closed)/;

export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const candidate = current as {
      code?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string } } };
      cause?: unknown;
      originalError?: unknown;
    };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    const adapterCause = candidate.meta?.driverAdapterError?.cause;
    if (
      PRISMA_UNAVAILABLE.has(code) ||
      SOCKET_CODES.has(code) ||
      SQLSTATE_UNAVAILABLE.test(code) ||
      ADAPTER_UNAVAILABLE.has(adapterCause?.kind ?? '') ||
      SQLSTATE_UNAVAILABLE.test(adapterCause?.code ?? '') ||
      (typeof candidate.message === 'string' && DRIVER_MESSAGES.test(candidate.message))
    ) {
      return true;
    }
    current = candidate.originalError ?? candidate.cause;
  }
  return false;
}
