/**
 * Our EventFilter on KurrentDB. The server filters on one field per request (event type or stream
 * name, never both), so the adapter sends one and checks the rest here:
 * - event types (projections name the few they handle) → server regex `^(a|b)$`, names escaped;
 * - stream prefixes only → server prefix filter;
 * - no filter → the server's usual "no system events" regex `^[^$]`.
 * System events ($-prefixed type or stream: metadata, tombstones, projections' output) never
 * reach our callers, whichever side filtered. An empty list means "no constraint", as in the SQL
 * store.
 */
import type { Filter } from '@kurrent/kurrentdb-client';
import type { EventFilter } from '../port.js';

export interface CompiledFilter {
  /** What the server can do; `checkpointInterval` is set per call by subscriptions. */
  server: Filter;
  /** The whole filter, system events excluded: the last word on every event. */
  accepts(stream: string, type: string): boolean;
}

const NO_SYSTEM_EVENTS = '^[^$]';

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\#\s]/g, '\\$&');
}

export function compileFilter(filter: EventFilter | undefined): CompiledFilter {
  const types = filter?.eventTypes?.length ? filter.eventTypes : undefined;
  const prefixes = filter?.streamPrefixes?.length ? filter.streamPrefixes : undefined;
  const accepts = (stream: string, type: string) =>
    !stream.startsWith('$') &&
    !type.startsWith('$') &&
    (types === undefined || types.includes(type)) &&
    (prefixes === undefined || prefixes.some((prefix) => stream.startsWith(prefix)));

  if (types !== undefined) {
    const regex = `^(${types.map(escapeRegex).join('|')})$`;
    return { server: { filterOn: 'eventType', regex, checkpointInterval: 1 }, accepts };
  }
  if (prefixes !== undefined) {
    return { server: { filterOn: 'streamName', prefixes: [...prefixes], checkpointInterval: 1 }, accepts };
  }
  return { server: { filterOn: 'eventType', regex: NO_SYSTEM_EVENTS, checkpointInterval: 1 }, accepts };
}
