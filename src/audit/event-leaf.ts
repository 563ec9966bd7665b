import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../eventstore/envelope.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { leafHash } from './merkle.js';

/** Names the leaf encoding below in every seal, so a later encoding can never be mistaken for it. */
export const LEAF_FORMAT = 'switchboard-event-v1';

/**
 * What a seal commits to for one event: its place in the log (position, stream, revision), its id
 * and type, and its data and metadata exactly as the store keeps them (before any upcasting, and
 * ciphertext as ciphertext, so a crypto-shredded tenant's events still verify), as canonical JSON
 * (RFC 8785 key order). The recorded time is left out: the KurrentDB client gives it to the
 * millisecond on subscriptions but to the second on reads, so it would not read back the same.
 */
export function eventLeafBytes(event: RecordedEvent): string {
  return canonicalJson(eventLeafFields(event));
}

const eventLeafFields = (event: RecordedEvent) => ({
  data: event.data,
  id: event.id,
  metadata: event.metadata,
  position: String(event.position),
  revision: String(event.revision),
  stream: event.stream,
  type: event.type,
});

export const eventLeafHash = (event: RecordedEvent): Buffer => leafHash(eventLeafBytes(event));

/**
 * The leaf hash `event` would have at any position, serializing it once: for asking which sealed
 * position an event found elsewhere in the log was sealed at.
 */
export function leafHashAtAnyPosition(event: RecordedEvent): (position: bigint) => Buffer {
  const marker = `__position_${randomUUID()}__`;
  const text = canonicalJson({ ...eventLeafFields(event), position: marker });
  const [before, after] = text.split(JSON.stringify(marker)) as [string, string];
  return (position) => leafHash(`${before}${JSON.stringify(String(position))}${after}`);
}
