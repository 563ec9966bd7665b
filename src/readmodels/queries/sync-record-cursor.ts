import type { PrismaClient } from '../../generated/prisma/client.js';
import { BadUserInputError } from '../../shared/errors.js';
import type { RecordCursor, SyncKey } from './sync-records.js';

/**
 * Refuses a cursor that did not come from this sync's feed (another tenant's or another sync's):
 * a cursor names a record of the sync at the position of one of its changes, and a record's
 * position only moves forward, so the sync must hold that record at that position or later. The
 * read is within the caller's sync, so the answer says nothing about other tenants.
 */
export async function assertRecordCursorOfSync(
  prisma: PrismaClient,
  sync: SyncKey,
  cursor: RecordCursor | undefined,
  field: string,
): Promise<void> {
  if (!cursor) return;
  const record = await prisma.syncRecord.findUnique({
    where: { tenantId_connectionId_resource_recordId: { ...sync, recordId: cursor.recordId } },
    select: { position: true },
  });
  if (!record || record.position < cursor.position) {
    throw new BadUserInputError(`The cursor in ${field} is not from this sync's change feed`, undefined, {
      field,
    });
  }
}
