/**
 * How big an append is, counted as KurrentDB counts it (`Event.SizeOnDisk`: data + metadata bytes
 * + 2 bytes per character of the type, summed over the append's events), and the largest append
 * every supported store takes.
 */
import type { Event } from './envelope.js';

/**
 * KurrentDB 24.x and 25.0 refuse appends over 1 MiB by default (`MaxAppendSize`; 256 MiB from
 * 25.1). A writer of events that grow with outside input (a dead letter's body) keeps each append
 * under this, so one event fits every supported server as it comes; a store that refuses more
 * raises AppendTooLargeError.
 */
export const MAX_APPEND_BYTES = 1024 * 1024;

const utf8Bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The size of one event as the KurrentDB adapter writes it (JSON data, JSON metadata). */
export function eventBytes(event: Pick<Event, 'type' | 'data' | 'metadata'>): number {
  return utf8Bytes(event.data) + utf8Bytes(event.metadata) + event.type.length * 2;
}

export function appendBytes(events: readonly Pick<Event, 'type' | 'data' | 'metadata'>[]): number {
  return events.reduce((total, event) => total + eventBytes(event), 0);
}

/**
 * Consecutive events grouped into appends that each stay within MAX_APPEND_BYTES (an event larger
 * than that alone is an append of its own, which the store may refuse).
 */
export function appendBatches<E extends Pick<Event, 'type' | 'data' | 'metadata'>>(
  events: readonly E[],
): E[][] {
  const batches: E[][] = [];
  let bytes = 0;
  for (const event of events) {
    const size = eventBytes(event);
    const current = batches[batches.length - 1];
    if (current && bytes + size <= MAX_APPEND_BYTES) {
      current.push(event);
      bytes += size;
    } else {
      batches.push([event]);
      bytes = size;
    }
  }
  return batches;
}
