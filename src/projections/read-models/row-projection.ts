import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { Projection, ProjectionTable, ProjectionTx } from '../projection.js';

/**
 * A projection whose table holds one row per key (a tenant, a connection ...), written as a pure
 * `evolve(row | null, event) → row | null` (null: no row). `apply` loads the batch's rows in one
 * query, folds every event in memory, and writes each changed row once: a few statements per
 * batch of hundreds of events instead of a round trip per event.
 */
export interface RowProjectionDefinition<Row, E extends RecordedEvent> {
  name: string;
  eventTypes: readonly E['type'][];
  table: ProjectionTable;
  keyOf(event: E): string;
  /** Pure. Returns the same object when the event changes nothing, so the row is not rewritten. */
  evolve(row: Row | null, event: E): Row | null;
  load(tx: ProjectionTx, keys: readonly string[]): Promise<ReadonlyMap<string, Row>>;
  save(tx: ProjectionTx, changes: { upserts: readonly Row[]; deletes: readonly string[] }): Promise<void>;
}

export interface RowProjection<Row, E extends RecordedEvent> extends Projection {
  readonly evolve: (row: Row | null, event: E) => Row | null;
}

export function defineRowProjection<Row, E extends RecordedEvent>(
  definition: RowProjectionDefinition<Row, E>,
): RowProjection<Row, E> {
  const handled = new Set<string>(definition.eventTypes);
  return {
    name: definition.name,
    eventTypes: definition.eventTypes,
    tables: [definition.table],
    evolve: definition.evolve,
    async apply(events, tx) {
      // The runner only delivers decoded events of the subscribed types, which is what E describes.
      const ours = events.filter((event) => handled.has(event.type)) as unknown as E[];
      const keys = [...new Set(ours.map(definition.keyOf))];
      const loaded = await definition.load(tx, keys);
      const rows = new Map<string, Row | null>();
      for (const event of ours) {
        const key = definition.keyOf(event);
        const before = rows.has(key) ? (rows.get(key) ?? null) : (loaded.get(key) ?? null);
        rows.set(key, definition.evolve(before, event));
      }
      const upserts: Row[] = [];
      const deletes: string[] = [];
      for (const [key, row] of rows) {
        const original = loaded.get(key) ?? null;
        if (row === original) continue;
        if (row === null) deletes.push(key);
        else upserts.push(row);
      }
      if (upserts.length > 0 || deletes.length > 0) await definition.save(tx, { upserts, deletes });
    },
  };
}
