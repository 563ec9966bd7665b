/**
 * SQLSTATE classes that say "try again" rather than "this value is wrong": connection exceptions,
 * transaction rollbacks (serialization failure, deadlock), insufficient resources, operator
 * intervention (statement timeout, shutdown), and lock_not_available. An event that meets one of
 * these is not a poison event: parking it would leave out a good event for a passing reason.
 */
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57']);
const TRANSIENT_CODES = new Set(['55P03']);
const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Prisma's own codes (P2010 ...) have the same shape as a SQLSTATE and are not one. */
const PRISMA_CODE = /^P\d{4}$/;

function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const candidate = current as {
      originalCode?: unknown;
      code?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    for (const code of [candidate.originalCode, candidate.code]) {
      if (typeof code === 'string' && SQLSTATE.test(code) && !PRISMA_CODE.test(code)) return code;
    }
    current = candidate.meta?.driverAdapterError ?? candidate.cause;
  }
  return undefined;
}

/** True when the database refused for a reason that passes (see TRANSIENT_CLASSES). */
export function isTransientDatabaseError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (TRANSIENT_CLASSES.has(state.slice(0, 2)) || TRANSIENT_CODES.has(state));
}
