import type {
  Prisma,
  PrismaClient,
  SyncCursor,
  SyncDeadLetter,
  SyncDriftCheck,
  SyncRun,
} from '../../generated/prisma/client.js';
import type { TimeCursor, TimePage } from '../time-cursor.js';
import type { SyncKey } from './sync-records.js';

export type { SyncCursor, SyncDeadLetter, SyncDriftCheck, SyncRun };

/** A sync as the API serves it: its cursor row and how many live records it holds. */
export type SyncView = SyncCursor & { recordCount: number };

/** The syncs of one connection, by resource, with their live record counts (one grouped count). */
export async function listSyncs(
  prisma: PrismaClient,
  tenantId: string,
  connectionId: string,
): Promise<SyncView[]> {
  const [cursors, counts] = await Promise.all([
    prisma.syncCursor.findMany({ where: { tenantId, connectionId }, orderBy: { resource: 'asc' } }),
    prisma.syncRecord.groupBy({
      by: ['resource'],
      where: { tenantId, connectionId, deletedAt: null },
      _count: { _all: true },
    }),
  ]);
  const byResource = new Map(counts.map((count) => [count.resource, count._count._all]));
  return cursors.map((cursor) => ({ ...cursor, recordCount: byResource.get(cursor.resource) ?? 0 }));
}

export async function findSync(prisma: PrismaClient, sync: SyncKey): Promise<SyncView | null> {
  const [cursor, recordCount] = await Promise.all([
    prisma.syncCursor.findUnique({ where: { tenantId_connectionId_resource: sync } }),
    prisma.syncRecord.count({ where: { ...sync, deletedAt: null } }),
  ]);
  return cursor && { ...cursor, recordCount };
}

/** Runs of one sync, newest first by (scheduledAt, runId). */
export function listSyncRuns(prisma: PrismaClient, sync: SyncKey, page: TimePage): Promise<SyncRun[]> {
  const direction = page.inverted ? 'asc' : 'desc';
  return prisma.syncRun.findMany({
    where: {
      ...sync,
      AND: [page.after && runBeyond(page.after, 'lt'), page.before && runBeyond(page.before, 'gt')].filter(
        (clause): clause is Prisma.SyncRunWhereInput => clause !== undefined,
      ),
    },
    orderBy: [{ scheduledAt: direction }, { runId: direction }],
    take: page.limit,
  });
}

export function findSyncRun(prisma: PrismaClient, tenantId: string, runId: string): Promise<SyncRun | null> {
  return prisma.syncRun.findUnique({ where: { tenantId_runId: { tenantId, runId } } });
}

/** Drift checks of one sync, newest first by (startedAt, checkId). */
export function listDriftChecks(
  prisma: PrismaClient,
  sync: SyncKey,
  page: TimePage,
): Promise<SyncDriftCheck[]> {
  const direction = page.inverted ? 'asc' : 'desc';
  return prisma.syncDriftCheck.findMany({
    where: {
      ...sync,
      AND: [
        page.after && checkBeyond(page.after, 'lt'),
        page.before && checkBeyond(page.before, 'gt'),
      ].filter((clause): clause is Prisma.SyncDriftCheckWhereInput => clause !== undefined),
    },
    orderBy: [{ startedAt: direction }, { checkId: direction }],
    take: page.limit,
  });
}

export function findDriftCheck(
  prisma: PrismaClient,
  tenantId: string,
  checkId: string,
): Promise<SyncDriftCheck | null> {
  return prisma.syncDriftCheck.findUnique({ where: { tenantId_checkId: { tenantId, checkId } } });
}

/** Parked runs of one connection (every resource, or one), newest first by (createdAt, id). */
export function listSyncDeadLetters(
  prisma: PrismaClient,
  tenantId: string,
  filter: { connectionId: string; resource?: string | null },
  page: TimePage,
): Promise<SyncDeadLetter[]> {
  const direction = page.inverted ? 'asc' : 'desc';
  return prisma.syncDeadLetter.findMany({
    where: {
      tenantId,
      connectionId: filter.connectionId,
      ...(filter.resource ? { resource: filter.resource } : {}),
      AND: [
        page.after && letterBeyond(page.after, 'lt'),
        page.before && letterBeyond(page.before, 'gt'),
      ].filter((clause): clause is Prisma.SyncDeadLetterWhereInput => clause !== undefined),
    },
    orderBy: [{ createdAt: direction }, { id: direction }],
    take: page.limit,
  });
}

export function findSyncDeadLetter(
  prisma: PrismaClient,
  tenantId: string,
  id: string,
): Promise<SyncDeadLetter | null> {
  return prisma.syncDeadLetter.findUnique({ where: { tenantId_id: { tenantId, id } } });
}

const runBeyond = (cursor: TimeCursor, op: 'lt' | 'gt'): Prisma.SyncRunWhereInput => ({
  OR: [{ scheduledAt: { [op]: cursor.at } }, { scheduledAt: cursor.at, runId: { [op]: cursor.id } }],
});

const checkBeyond = (cursor: TimeCursor, op: 'lt' | 'gt'): Prisma.SyncDriftCheckWhereInput => ({
  OR: [{ startedAt: { [op]: cursor.at } }, { startedAt: cursor.at, checkId: { [op]: cursor.id } }],
});

const letterBeyond = (cursor: TimeCursor, op: 'lt' | 'gt'): Prisma.SyncDeadLetterWhereInput => ({
  OR: [{ createdAt: { [op]: cursor.at } }, { createdAt: cursor.at, id: { [op]: cursor.id } }],
});
