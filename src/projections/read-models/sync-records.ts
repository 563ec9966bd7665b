import { bucketOf, EMPTY_DIGEST, recordDigest, xorInto } from '../../domain/record-buckets.js';
import { openRecords } from '../../events/sealed-records.js';
import { parseStreamName } from '../../events/streams.js';
import { type RecordsBatchEvent, RecordsBatchRecorded } from '../../events/sync.js';
import { TenantDeleted, type TenantEvent } from '../../events/tenant.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { ContentVault } from '../../vault/sealed-content.js';
import { ProjectionEventError } from '../errors.js';
import { READ_MODEL } from '../names.js';
import type { Projection, ProjectionTx } from '../projection.js';
import { runsOfType } from './runs-of-type.js';
import { applyBucketDeltas } from './sync-record-bucket-rows.js';
import {
  type DeleteMark,
  loadLiveHashes,
  markDeleted,
  type RecordRow,
  upsertRecordRows,
} from './sync-record-rows.js';

/** The tenant a records event belongs to, from its stream name. */
export const syncTenant = (event: RecordedEvent): string => tenantOf(event);

function tenantOf(event: RecordedEvent): string {
  const tenantId = parseStreamName(event.stream)?.tenantId;
  if (!tenantId) throw new ProjectionEventError(event, `${event.type} in a stream without a tenant`);
  return tenantId;
}

/** One sync's records: `<tenant>\0<connection>\0<resource>`. */
const groupKey = (tenantId: string, connectionId: string, resource: string) =>
  `${tenantId}\u0000${connectionId}\u0000${resource}`;

type Final = { kind: 'row'; row: RecordRow } | { kind: 'delete'; mark: DeleteMark };

/**
 * sync_records (the latest version of every record, with its change-feed position) and
 * sync_record_buckets (the drift digests), from RecordsBatchRecorded events. A batch of events is
 * folded in memory first, so each record and each bucket is written once per batch whatever the
 * number of pages in it.
 */
export function createSyncRecordsProjection(vault: ContentVault): Projection {
  return {
    name: READ_MODEL.syncRecords,
    eventTypes: [RecordsBatchRecorded.type, TenantDeleted.type],
    tables: [{ name: 'sync_records' }, { name: 'sync_record_buckets' }],
    async apply(events, tx) {
      for (const run of runsOfType(events)) {
        if (run.type === TenantDeleted.type) {
          const tenants = (run.events as readonly TenantEvent[]).map((event) => event.data.tenantId);
          await tx.syncRecord.deleteMany({ where: { tenantId: { in: tenants } } });
          await tx.syncRecordBucket.deleteMany({ where: { tenantId: { in: tenants } } });
        } else {
          await applyBatches(tx, vault, run.events as readonly RecordsBatchEvent[]);
        }
      }
    },
  };
}

async function applyBatches(
  tx: ProjectionTx,
  vault: ContentVault,
  events: readonly RecordsBatchEvent[],
): Promise<void> {
  const opened = await Promise.all(
    events.map((event) =>
      openRecords(
        vault,
        tenantOf(event),
        { connectionId: event.data.connectionId, eventId: event.id },
        event.data.content,
      ),
    ),
  );
  const groups = new Map<
    string,
    { tenantId: string; connectionId: string; resource: string; ids: Set<string> }
  >();
  events.forEach((event) => {
    const tenantId = tenantOf(event);
    const { connectionId, resource } = event.data;
    const key = groupKey(tenantId, connectionId, resource);
    const group = groups.get(key) ?? { tenantId, connectionId, resource, ids: new Set<string>() };
    for (const record of event.data.records) group.ids.add(record.id);
    for (const id of event.data.deletes) group.ids.add(id);
    groups.set(key, group);
  });
  for (const group of groups.values()) {
    const before = await loadLiveHashes(tx, group, [...group.ids]);
    const finals = new Map<string, Final>();
    events.forEach((event, index) => {
      if (
        groupKey(tenantOf(event), event.data.connectionId, event.data.resource) !==
        groupKey(group.tenantId, group.connectionId, group.resource)
      )
        return;
      const contents = opened[index];
      // A shredded tenant: its rows go with TenantDeleted, right behind.
      if (contents === null || contents === undefined) return;
      fold(finals, before, event, contents, group);
    });
    const rows: RecordRow[] = [];
    const marks: DeleteMark[] = [];
    const deltas = new Map<number, { digest: Buffer; count: number }>();
    for (const [id, final] of finals) {
      const previous = before.get(id);
      const afterHash = final.kind === 'row' ? (final.row.deletedAt ? null : final.row.hash) : null;
      const beforeHash = previous && !previous.deleted ? previous.hash : null;
      if (beforeHash !== afterHash) {
        const bucket = bucketOf(id);
        const delta = deltas.get(bucket) ?? { digest: Buffer.alloc(32), count: 0 };
        if (beforeHash) {
          xorInto(delta.digest, recordDigest(id, beforeHash));
          delta.count--;
        }
        if (afterHash) {
          xorInto(delta.digest, recordDigest(id, afterHash));
          delta.count++;
        }
        deltas.set(bucket, delta);
      }
      if (final.kind === 'row') rows.push(final.row);
      else if (previous && !previous.deleted) marks.push(final.mark);
    }
    await upsertRecordRows(tx, rows);
    await markDeleted(tx, marks);
    await applyBucketDeltas(tx, group, deltas, EMPTY_DIGEST);
  }
}

function fold(
  finals: Map<string, Final>,
  before: ReadonlyMap<string, { hash: string; deleted: boolean; firstSeenAt: Date }>,
  event: RecordsBatchEvent,
  contents: readonly { data: unknown; raw: unknown }[],
  group: { tenantId: string; connectionId: string; resource: string },
): void {
  const at = event.recordedAt;
  event.data.records.forEach((record, index) => {
    const content = contents[index];
    if (!content) throw new ProjectionEventError(event, `record ${record.id} has no sealed content`);
    const current = finals.get(record.id);
    const firstSeenAt =
      current?.kind === 'row' ? current.row.firstSeenAt : (before.get(record.id)?.firstSeenAt ?? at);
    finals.set(record.id, {
      kind: 'row',
      row: {
        ...group,
        recordId: record.id,
        model: event.data.model,
        data: content.data,
        raw: content.raw,
        hash: record.hash,
        firstSeenAt,
        lastModifiedAt: at,
        deletedAt: null,
        runId: event.data.runId,
        position: event.position,
      },
    });
  });
  for (const id of event.data.deletes) {
    const current = finals.get(id);
    const mark = { ...group, recordId: id, at, position: event.position, runId: event.data.runId };
    if (current?.kind === 'row') {
      finals.set(id, {
        kind: 'row',
        row: {
          ...current.row,
          deletedAt: at,
          lastModifiedAt: at,
          position: event.position,
          runId: event.data.runId,
        },
      });
    } else finals.set(id, { kind: 'delete', mark });
  }
}
