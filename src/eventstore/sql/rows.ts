import type { RecordedEvent } from '../envelope.js';
import type { EventFilter, StoredEvent } from '../port.js';

export const EVENT_COLUMNS = 'position, id, stream, revision, type, data, metadata, recorded_at';

export interface EventRow {
  position: string | number;
  id: string;
  stream: string;
  revision: string | number;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
  recorded_at: Date | string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    stream: row.stream,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}

export interface StoredEventRow extends Omit<EventRow, 'data' | 'metadata'> {
  data: string;
  metadata: string;
}

export function toStoredEvent(row: StoredEventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    dataJson: row.data,
    metadataJson: row.metadata,
    stream: row.stream,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}

/**
 * SQL for an EventFilter, with its parameters numbered from `firstParam`. Stream prefixes use the
 * starts-with operator `^@`, not LIKE, so a `_` or `%` in a tenant id is never a wildcard.
 */
export function filterClause(
  filter: EventFilter | undefined,
  firstParam: number,
): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.eventTypes && filter.eventTypes.length > 0) {
    params.push([...filter.eventTypes]);
    parts.push(`type = ANY($${firstParam + params.length - 1}::text[])`);
  }
  if (filter?.streamPrefixes && filter.streamPrefixes.length > 0) {
    params.push([...filter.streamPrefixes]);
    parts.push(`stream ^@ ANY($${firstParam + params.length - 1}::text[])`);
  }
  return { sql: parts.length === 0 ? '' : ` AND ${parts.join(' AND ')}`, params };
}
