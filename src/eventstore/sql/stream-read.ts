import type { StreamMetadata } from '../port.js';
import { EVENT_COLUMNS } from './rows.js';

/**
 * One page of a stream read, honouring the stream's retention metadata: events below
 * `truncateBefore`, beyond the newest `maxCount`, or older than `maxAge` seconds are not readable
 * (they stay in the global log; see SqlEventStore).
 */
export function readStreamQuery(
  stream: string,
  from: bigint,
  backwards: boolean,
  limit: number,
  metadata: StreamMetadata,
  lastRevision: bigint,
): { sql: string; params: unknown[] } {
  let oldestReadable = metadata.truncateBefore ?? 0n;
  if (metadata.maxCount !== undefined) {
    const byCount = lastRevision - BigInt(metadata.maxCount) + 1n;
    if (byCount > oldestReadable) oldestReadable = byCount;
  }
  const params: unknown[] = [stream, String(from), String(oldestReadable)];
  let age = '';
  if (metadata.maxAge !== undefined) {
    params.push(metadata.maxAge);
    age = ` AND recorded_at >= clock_timestamp() - make_interval(secs => $4)`;
  }
  return {
    sql: `SELECT ${EVENT_COLUMNS} FROM sb_events
          WHERE stream = $1 AND revision ${backwards ? '<=' : '>='} $2 AND revision >= $3${age}
          ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT ${limit}`,
    params,
  };
}
