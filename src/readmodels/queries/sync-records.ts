import type { Prisma, PrismaClient, SyncRecord } from '../../generated/prisma/client.js';
import { BadUserInputError } from '../../shared/errors.js';

export type { SyncRecord };

export interface SyncKey {
  tenantId: string;
  connectionId: string;
  resource: string;
}

/** A place in one sync's change feed: the log position of a record's last change, then its id. */
export interface RecordCursor {
  position: bigint;
  recordId: string;
}

/** Opaque to clients: base64url of `<position>:<record id>` (the id may hold any character). */
export function encodeRecordCursor(record: Pick<SyncRecord, 'position' | 'recordId'>): string {
  return Buffer.from(`${record.position}:${record.recordId}`, 'utf8').toString('base64url');
}

/** Undefined in, undefined out; anything that is not a cursor of ours is BAD_USER_INPUT naming the argument. */
export function decodeRecordCursor(
  cursor: string | null | undefined,
  name: string,
): RecordCursor | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,19}):([\s\S]+)$/.exec(text);
  const position = match ? BigInt(match[1] as string) : -1n;
  if (!match || position > 2n ** 63n - 1n) {
    throw new BadUserInputError(`Invalid cursor in ${name}`, undefined, { field: name });
  }
  return { position, recordId: match[2] as string };
}

/** The later of two cursors (both bound the same feed from below). */
export function laterCursor(a?: RecordCursor, b?: RecordCursor): RecordCursor | undefined {
  if (!a || !b) return a ?? b;
  if (a.position !== b.position) return a.position > b.position ? a : b;
  return a.recordId > b.recordId ? a : b;
}

export interface RecordPage {
  /** Records changed after this place in the feed (Relay `after`, or `changedAfter`). */
  after?: RecordCursor;
  /** Records changed before it (Relay `before`). */
  before?: RecordCursor;
  limit: number;
  /** Read newest first from `before` (Relay `last`); the caller reverses. */
  inverted: boolean;
  includeDeleted: boolean;
  includeRaw: boolean;
}

/**
 * One page of a sync's change feed, by (position, record id): a record changed again moves to its
 * new position, so a reader that resumes after the last cursor it saw misses no change. One index
 * range scan per page (sync_records' (tenant, connection, resource, position, record_id) index).
 */
export function listRecords(prisma: PrismaClient, sync: SyncKey, page: RecordPage) {
  const where: Prisma.SyncRecordWhereInput = {
    ...sync,
    ...(page.includeDeleted ? {} : { deletedAt: null }),
    AND: [page.after && beyond(page.after, 'gt'), page.before && beyond(page.before, 'lt')].filter(
      (clause): clause is Prisma.SyncRecordWhereInput => clause !== undefined,
    ),
  };
  const direction = page.inverted ? 'desc' : 'asc';
  return prisma.syncRecord.findMany({
    where,
    orderBy: [{ position: direction }, { recordId: direction }],
    take: page.limit,
    omit: { raw: !page.includeRaw },
  });
}

/** Where the feed ends now: a live reader starts here, so it hears only of later changes. */
export async function recordFeedHead(prisma: PrismaClient, sync: SyncKey): Promise<RecordCursor | undefined> {
  const last = await prisma.syncRecord.findFirst({
    where: sync,
    orderBy: [{ position: 'desc' }, { recordId: 'desc' }],
    select: { position: true, recordId: true },
  });
  return last ?? undefined;
}

/** Live records of one sync (deleted ones left out). */
export function countRecords(prisma: PrismaClient, sync: SyncKey): Promise<number> {
  return prisma.syncRecord.count({ where: { ...sync, deletedAt: null } });
}

const beyond = (cursor: RecordCursor, op: 'gt' | 'lt'): Prisma.SyncRecordWhereInput => ({
  OR: [
    { position: { [op]: cursor.position } },
    { position: cursor.position, recordId: { [op]: cursor.recordId } },
  ],
});

/** The pubsub topic where the records projection says which of a tenant's syncs changed. */
export const recordChangesTopic = (tenantId: string): string => `record-changes:${tenantId}`;

/** A notice, not the records: each subscriber reads its own sync's feed from where it stands. */
export interface RecordChangesNotice {
  connectionId: string;
  resource: string;
  position: string;
}
