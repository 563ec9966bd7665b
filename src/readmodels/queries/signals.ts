import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';
import { BadUserInputError } from '../../shared/errors.js';
import { isUuid } from '../../shared/uuid.js';
import { SIGNAL_KINDS } from '../../signals/kinds.js';
import { decodeTimeCursor, encodeTimeCursor } from '../time-cursor.js';
import type { SignalView } from './signal-view.js';

export interface SignalFilter {
  provider?: string | null;
  connectionId?: string | null;
  kind?: string | null;
  /** Exclusive bounds on occurredAt. */
  occurredAfter?: Date | null;
  occurredBefore?: Date | null;
}

/** Where a page starts: the (occurredAt, id) of the signal before it in newest-first order. */
export interface SignalCursor {
  occurredAt: Date;
  id: string;
}

export interface SignalPage {
  /** Older than this cursor (Relay `after` in newest-first order). */
  after?: SignalCursor;
  /** Newer than this cursor (Relay `before`). */
  before?: SignalCursor;
  limit: number;
  /** Read oldest first from `before` (Relay `last`); the caller reverses. */
  inverted: boolean;
}

export function assertKnownKind(kind: string | null | undefined): void {
  if (kind != null && !Object.hasOwn(SIGNAL_KINDS, kind)) {
    throw new BadUserInputError(`Unknown signal kind "${kind}" (see signalKinds)`, { field: 'kind' });
  }
}

/** True when a live signal passes the filter: the subscription's server-side check. */
export function matchesFilter(signal: SignalView, filter: SignalFilter | null | undefined): boolean {
  if (!filter) return true;
  const at = new Date(signal.occurredAt).getTime();
  return (
    (filter.provider == null || signal.provider === filter.provider) &&
    (filter.connectionId == null || signal.connectionId === filter.connectionId) &&
    (filter.kind == null || signal.kind === filter.kind) &&
    (filter.occurredAfter == null || at > filter.occurredAfter.getTime()) &&
    (filter.occurredBefore == null || at < filter.occurredBefore.getTime())
  );
}

/**
 * One page of a tenant's signals, newest first by (occurredAt, id). Every filter combination has
 * an index that starts (tenant_id[, filter column]) and ends (occurred_at DESC, id DESC), so the
 * page is one index range scan stopping after `limit` rows, however many signals the tenant has.
 */
/** The tenant's signals that pass the filter, as a Prisma condition (an unknown kind is refused). */
export function signalWhere(
  tenantId: string,
  filter: SignalFilter | null | undefined,
): Prisma.SignalWhereInput {
  assertKnownKind(filter?.kind);
  const occurredAt: Prisma.DateTimeFilter = {};
  if (filter?.occurredAfter) occurredAt.gt = filter.occurredAfter;
  if (filter?.occurredBefore) occurredAt.lt = filter.occurredBefore;
  return {
    tenantId,
    ...(filter?.provider != null ? { provider: filter.provider } : {}),
    ...(filter?.connectionId != null ? { connectionId: filter.connectionId } : {}),
    ...(filter?.kind != null ? { kind: filter.kind } : {}),
    ...(occurredAt.gt || occurredAt.lt ? { occurredAt } : {}),
  };
}

export async function listSignals(
  prisma: PrismaClient,
  tenantId: string,
  filter: SignalFilter | null | undefined,
  page: SignalPage,
): Promise<SignalView[]> {
  const where: Prisma.SignalWhereInput = {
    ...signalWhere(tenantId, filter),
    AND: [page.after && olderThan(page.after), page.before && newerThan(page.before)].filter(
      (clause): clause is Prisma.SignalWhereInput => clause !== undefined,
    ),
  };
  const direction = page.inverted ? 'asc' : 'desc';
  return prisma.signal.findMany({
    where,
    orderBy: [{ occurredAt: direction }, { id: direction }],
    take: page.limit,
  });
}

export async function findSignal(
  prisma: PrismaClient,
  tenantId: string,
  id: string,
): Promise<SignalView | null> {
  // Not a UUID: no such signal (and no cast error from the uuid column).
  if (!isUuid(id)) return null;
  return prisma.signal.findUnique({ where: { tenantId_id: { tenantId, id: id.toLowerCase() } } });
}

const olderThan = (cursor: SignalCursor): Prisma.SignalWhereInput => ({
  OR: [{ occurredAt: { lt: cursor.occurredAt } }, { occurredAt: cursor.occurredAt, id: { lt: cursor.id } }],
});

const newerThan = (cursor: SignalCursor): Prisma.SignalWhereInput => ({
  OR: [{ occurredAt: { gt: cursor.occurredAt } }, { occurredAt: cursor.occurredAt, id: { gt: cursor.id } }],
});

export function encodeCursor(signal: Pick<SignalView, 'occurredAt' | 'id'>): string {
  return encodeTimeCursor(signal.occurredAt, signal.id);
}

export function decodeCursor(cursor: string | undefined, name: string): SignalCursor | undefined {
  const decoded = decodeTimeCursor(cursor, name);
  return decoded && { occurredAt: decoded.at, id: decoded.id };
}
