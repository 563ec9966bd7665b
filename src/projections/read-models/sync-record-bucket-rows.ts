import { xorInto } from '../../domain/record-buckets.js';
import type { ProjectionTx } from '../projection.js';
import type { SyncKey } from './sync-record-rows.js';

/**
 * Applies XOR deltas to one sync's bucket digests: read the touched buckets, combine, write back.
 * A bucket left with no record loses its row: the table then depends only on the live records,
 * not on how the log was batched (a record created and deleted in one rebuild batch touches nothing).
 */
export async function applyBucketDeltas(
  tx: ProjectionTx,
  sync: SyncKey,
  deltas: ReadonlyMap<number, { digest: Buffer; count: number }>,
  emptyDigest: string,
): Promise<void> {
  if (deltas.size === 0) return;
  const buckets = [...deltas.keys()];
  const stored = await tx.syncRecordBucket.findMany({
    where: {
      tenantId: sync.tenantId,
      connectionId: sync.connectionId,
      resource: sync.resource,
      bucket: { in: buckets },
    },
  });
  const current = new Map(stored.map((row) => [row.bucket, row]));
  const kept: number[] = [];
  const emptied: number[] = [];
  const digests: string[] = [];
  const counts: number[] = [];
  for (const bucket of buckets) {
    const delta = deltas.get(bucket);
    if (!delta) continue;
    const row = current.get(bucket);
    const digest = Buffer.from(row?.digest ?? emptyDigest, 'hex');
    xorInto(digest, delta.digest);
    const count = (row?.count ?? 0) + delta.count;
    if (count === 0) {
      emptied.push(bucket);
      continue;
    }
    kept.push(bucket);
    digests.push(digest.toString('hex'));
    counts.push(count);
  }
  if (emptied.length > 0) {
    await tx.syncRecordBucket.deleteMany({
      where: {
        tenantId: sync.tenantId,
        connectionId: sync.connectionId,
        resource: sync.resource,
        bucket: { in: emptied },
      },
    });
  }
  if (kept.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "sync_record_buckets" (tenant_id, connection_id, resource, bucket, digest, count)
     SELECT $1, $2, $3, b, d, c FROM unnest($4::int[], $5::text[], $6::int[]) AS u(b, d, c)
     ON CONFLICT (tenant_id, connection_id, resource, bucket) DO UPDATE SET digest = EXCLUDED.digest, count = EXCLUDED.count`,
    sync.tenantId,
    sync.connectionId,
    sync.resource,
    kept,
    digests,
    counts,
  );
}
