import type { ProjectionTx } from '../projection.js';
import { pgJson, pgText } from './pg-text.js';

export interface RecordRow {
  tenantId: string;
  connectionId: string;
  resource: string;
  recordId: string;
  model: string;
  data: unknown;
  raw: unknown;
  hash: string;
  firstSeenAt: Date;
  lastModifiedAt: Date;
  deletedAt: Date | null;
  runId: string;
  position: bigint;
}

export interface DeleteMark {
  tenantId: string;
  connectionId: string;
  resource: string;
  recordId: string;
  at: Date;
  position: bigint;
  runId: string;
}

export interface SyncKey {
  tenantId: string;
  connectionId: string;
  resource: string;
}

/** Hash, deletion and first sighting of the given records of one sync, by record id. */
export async function loadLiveHashes(
  tx: ProjectionTx,
  sync: SyncKey,
  recordIds: readonly string[],
): Promise<Map<string, { hash: string; deleted: boolean; firstSeenAt: Date }>> {
  if (recordIds.length === 0) return new Map();
  const rows = await tx.$queryRawUnsafe<
    Array<{ record_id: string; hash: string; deleted: boolean; first_seen_at: Date }>
  >(
    `SELECT record_id, hash, deleted_at IS NOT NULL AS deleted, first_seen_at FROM "sync_records"
     WHERE tenant_id = $1 AND connection_id = $2 AND resource = $3 AND record_id = ANY($4::text[])`,
    sync.tenantId,
    sync.connectionId,
    sync.resource,
    recordIds.map(pgText),
  );
  return new Map(
    rows.map((row) => [
      row.record_id,
      { hash: row.hash, deleted: row.deleted, firstSeenAt: row.first_seen_at },
    ]),
  );
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

const COLUMNS: ReadonlyArray<readonly [column: string, type: string, value: (row: RecordRow) => unknown]> = [
  ['tenant_id', 'text', (row) => row.tenantId],
  ['connection_id', 'text', (row) => row.connectionId],
  ['resource', 'text', (row) => row.resource],
  ['record_id', 'text', (row) => pgText(row.recordId)],
  ['model', 'text', (row) => row.model],
  ['data', 'jsonb', (row) => pgJson(row.data)],
  ['raw', 'jsonb', (row) => pgJson(row.raw ?? null)],
  ['hash', 'text', (row) => row.hash],
  ['first_seen_at', 'timestamp(3)', (row) => iso(row.firstSeenAt)],
  ['last_modified_at', 'timestamp(3)', (row) => iso(row.lastModifiedAt)],
  ['deleted_at', 'timestamp(3)', (row) => iso(row.deletedAt)],
  ['run_id', 'uuid', (row) => row.runId],
  ['position', 'bigint', (row) => String(row.position)],
];

const KEY = ['tenant_id', 'connection_id', 'resource', 'record_id'];

// One statement of fixed text whatever the batch size (see signal-rows-insert.ts for why).
const UPSERT = `INSERT INTO "sync_records" (${COLUMNS.map(([column]) => `"${column}"`).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ')})
  ON CONFLICT (${KEY.map((column) => `"${column}"`).join(', ')}) DO UPDATE SET
  ${COLUMNS.filter(([column]) => !KEY.includes(column) && column !== 'first_seen_at')
    .map(([column]) => `"${column}" = EXCLUDED."${column}"`)
    .join(', ')}`;

export async function upsertRecordRows(tx: ProjectionTx, rows: readonly RecordRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRawUnsafe(UPSERT, ...COLUMNS.map(([, , value]) => rows.map(value)));
}

const MARK_DELETED = `UPDATE "sync_records" AS r
  SET deleted_at = d.at, last_modified_at = d.at, position = d.position, run_id = d.run_id
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp(3)[], $6::bigint[], $7::uuid[])
    AS d(tenant_id, connection_id, resource, record_id, at, position, run_id)
  WHERE r.tenant_id = d.tenant_id AND r.connection_id = d.connection_id AND r.resource = d.resource
    AND r.record_id = d.record_id AND r.deleted_at IS NULL`;

/** Deletion keeps the row (its last content and first sighting), stamped with when and where it went. */
export async function markDeleted(tx: ProjectionTx, marks: readonly DeleteMark[]): Promise<void> {
  if (marks.length === 0) return;
  await tx.$executeRawUnsafe(
    MARK_DELETED,
    marks.map((mark) => mark.tenantId),
    marks.map((mark) => mark.connectionId),
    marks.map((mark) => mark.resource),
    marks.map((mark) => pgText(mark.recordId)),
    marks.map((mark) => mark.at.toISOString()),
    marks.map((mark) => String(mark.position)),
    marks.map((mark) => mark.runId),
  );
}
