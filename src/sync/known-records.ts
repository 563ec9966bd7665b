import type { SyncDeps, SyncTarget } from './sync-deps.js';

/**
 * The hash of every live record of a sync, from the records read model, read once per run after
 * the projection caught up with the run's start (so every earlier page is in it). The run keeps
 * it current as it appends, and compares each listed record against it: only changes are written.
 */
export async function knownRecordHashes(
  deps: Pick<SyncDeps, 'prisma'>,
  target: SyncTarget,
): Promise<Map<string, string>> {
  const rows = await deps.prisma.$queryRawUnsafe<Array<{ record_id: string; hash: string }>>(
    `SELECT record_id, hash FROM "sync_records"
     WHERE tenant_id = $1 AND connection_id = $2 AND resource = $3 AND deleted_at IS NULL`,
    target.tenantId,
    target.connectionId,
    target.resource,
  );
  return new Map(rows.map((row) => [row.record_id, row.hash]));
}
