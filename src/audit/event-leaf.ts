import type { RecordedEvent } from '../eventstore/envelope.js';
import type { StoredEvent } from '../eventstore/port.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { leafHash } from './merkle.js';

/** Names the leaf encoding below in every seal, so a later encoding can never be mistaken for it. */
export const LEAF_FORMAT = 'switchboard-event-v1';

/**
 * What a seal commits to for one event: a first line with its place in the log and its identity
 * (id, position, revision, stream, type) as canonical JSON (RFC 8785 key order), then its data and
 * its metadata each as the JSON text the store keeps, one per line. As stored: before any upcasting,
 * ciphertext as ciphertext (a crypto-shredded tenant's events still verify), and in the writer's key
 * order, so a rewrite that only reorders keys is a change too. Every adapter hands back what it was
 * given by JSON.stringify, and parsing that text and stringifying it again gives it back exactly,
 * so the text is recomputed from the parsed event rather than carried through the port; it is also
 * four to five times cheaper than canonicalizing the payload (the sealer does this for every event).
 * The recorded time is left out: the KurrentDB client gives it to the millisecond on subscriptions
 * but to the second on reads, so it would not read back the same.
 */
export function eventLeafBytes(event: RecordedEvent): string {
  return leafBytes(event, storedJson(event.data), storedJson(event.metadata));
}

/** The same bytes from the text a store hands over unparsed (readAllStored). */
export const storedEventLeafHash = (event: StoredEvent): Buffer =>
  leafHash(leafBytes(event, event.dataJson, event.metadataJson));

type Place = Pick<RecordedEvent, 'id' | 'position' | 'revision' | 'stream' | 'type'>;

const leafBytes = (event: Place, dataJson: string, metadataJson: string): string =>
  `${placeLine(event, String(event.position))}\n${dataJson}\n${metadataJson}`;

const storedJson = (value: unknown): string => JSON.stringify(value) ?? 'null';

const placeLine = (event: Place, position: string): string =>
  canonicalJson({
    id: event.id,
    position,
    revision: String(event.revision),
    stream: event.stream,
    type: event.type,
  });

export const eventLeafHash = (event: RecordedEvent): Buffer => leafHash(eventLeafBytes(event));

/**
 * The leaf hash `event` would have at any position, serializing its payload once: for asking which
 * sealed position an event found elsewhere in the log was sealed at.
 */
export function leafHashAtAnyPosition(event: RecordedEvent): (position: bigint) => Buffer {
  const payload = `\n${storedJson(event.data)}\n${storedJson(event.metadata)}`;
  return (position) => leafHash(`${placeLine(event, String(position))}${payload}`);
}
