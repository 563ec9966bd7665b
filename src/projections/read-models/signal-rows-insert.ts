import type { SignalRow } from '../../readmodels/queries/signal-view.js';
import type { ProjectionTx } from '../projection.js';

/** Column name → value of a row, in table order; every value bound as text and cast in SQL. */
const COLUMNS: ReadonlyArray<readonly [column: string, type: string, value: (row: SignalRow) => unknown]> = [
  ['tenant_id', 'text', (row) => row.tenantId],
  ['id', 'uuid', (row) => row.id],
  ['connection_id', 'text', (row) => row.connectionId],
  ['provider', 'text', (row) => row.provider],
  ['kind', 'text', (row) => row.kind],
  ['occurred_at', 'timestamp(3)', (row) => row.occurredAt.toISOString()],
  ['actor_id', 'text', (row) => row.actorId],
  ['actor_name', 'text', (row) => row.actorName],
  ['actor_bot', 'boolean', (row) => row.actorBot],
  ['subject_type', 'text', (row) => row.subjectType],
  ['subject_id', 'text', (row) => row.subjectId],
  ['subject_title', 'text', (row) => row.subjectTitle],
  ['subject_url', 'text', (row) => row.subjectUrl],
  ['summary', 'text', (row) => row.summary],
  ['delivery_id', 'text', (row) => row.deliveryId],
  ['event_type', 'text', (row) => row.eventType],
  ['received_at', 'timestamp(3)', (row) => row.receivedAt.toISOString()],
  ['revision', 'bigint', (row) => String(row.revision)],
  ['position', 'bigint', (row) => String(row.position)],
];

// Timestamps are UTC ISO strings: a `timestamp` (without time zone) column ignores the trailing Z,
// which is how Prisma stores DateTime too, so rows match what createMany wrote.
const INSERT = `INSERT INTO "signals" (${COLUMNS.map(([column]) => `"${column}"`).join(', ')})
  SELECT * FROM unnest(${COLUMNS.map(([, type], index) => `$${index + 1}::${type}[]`).join(', ')})
  ON CONFLICT DO NOTHING`;

/**
 * Inserts a batch of signal rows in one statement of fixed text: one array per column. A row
 * already there is left alone.
 *
 * Why not `createMany`: Prisma compiles a query plan for every distinct batch size, and under
 * webhook load that compile was the largest single cost of the signals projection; this statement
 * is the same whatever the batch holds.
 */
export async function insertSignalRows(tx: ProjectionTx, rows: readonly SignalRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = COLUMNS.map(([, , value]) => rows.map(value));
  await tx.$executeRawUnsafe(INSERT, ...columns);
}
