import type { RecordedEvent } from '../events/envelope.js';
import { type SignalEvent, SignalRecorded } from '../events/signal.js';
import { parseStreamName } from '../events/streams.js';
import type { PubSub } from '../platform/pubsub.js';
import { type SignalRow, signalsTopic } from '../signals/view.js';
import { ProjectionEventError } from './errors.js';
import { READ_MODEL } from './names.js';
import { pgText, pgTextOrNull } from './pg-text.js';
import type { Projection } from './projection.js';
import { insertSignalRows } from './signal-rows-insert.js';

export const SIGNALS_PROJECTION = READ_MODEL.signals;

/** Older events are history, not news: a rebuild or a long outage must not replay them live. */
const LIVE_WINDOW_MS = 5 * 60_000;

/**
 * The read-model row of a SignalRecorded event: pure, so it is tested without a database, and a
 * rebuild writes byte-identical rows (every value comes from the event).
 */
export function signalRow(event: SignalEvent): SignalRow {
  const tenantId = parseStreamName(event.stream)?.tenantId;
  if (!tenantId) throw new ProjectionEventError(event, `SignalRecorded in a stream without a tenant`);
  const { signal, delivery } = event.data;
  // Every string a provider or a normalizer wrote goes through pgText: one NUL must not stop the projection.
  return {
    tenantId,
    id: signal.id,
    connectionId: pgText(signal.connectionId),
    provider: pgText(signal.provider),
    kind: signal.kind,
    occurredAt: new Date(signal.occurredAt),
    actorId: pgTextOrNull(signal.actor?.id),
    actorName: pgTextOrNull(signal.actor?.name),
    actorBot: signal.actor?.bot ?? null,
    subjectType: pgTextOrNull(signal.subject?.type),
    subjectId: pgTextOrNull(signal.subject?.id),
    subjectTitle: pgTextOrNull(signal.subject?.title),
    subjectUrl: pgTextOrNull(signal.subject?.url),
    summary: pgText(signal.summary),
    deliveryId: pgTextOrNull(delivery.id),
    eventType: pgTextOrNull(delivery.eventType),
    receivedAt: new Date(delivery.receivedAt),
    revision: event.revision,
    position: event.position,
  };
}

export interface SignalsProjectionOptions {
  /** Where live signals go once their batch has committed; none for rebuilds and verify. */
  pubsub?: PubSub;
  now?: () => number;
}

/**
 * Signals are immutable: each event inserts one row, and a row already there (a replayed delivery
 * that slipped past the replay guard) is left alone. With a pubsub, each committed signal is then
 * published to its tenant's topic: subscribers hear of it only once a query would find it. The
 * payload stays in the log (signals/payloads.ts), so neither the row nor the message repeats it.
 */
export function createSignalsProjection(options: SignalsProjectionOptions = {}): Projection {
  const now = options.now ?? Date.now;
  const { pubsub } = options;
  return {
    name: SIGNALS_PROJECTION,
    eventTypes: [SignalRecorded.type],
    tables: [{ name: 'signals' }],
    async apply(events, tx) {
      const rows = (events as readonly RecordedEvent[] as readonly SignalEvent[]).map(signalRow);
      await insertSignalRows(tx, rows);
    },
    afterCommit: pubsub
      ? async (events) => {
          const fresh = (events as readonly RecordedEvent[] as readonly SignalEvent[]).filter(
            (event) => now() - event.recordedAt.getTime() < LIVE_WINDOW_MS,
          );
          // Issued together: Redis pipelines them on one connection, in order, instead of one
          // round trip per signal holding up the next batch.
          await Promise.all(
            fresh.map((event) => {
              const row = signalRow(event);
              return pubsub.publish(signalsTopic(row.tenantId), row);
            }),
          );
        }
      : undefined,
  };
}

/** The projection replay and verify run: same rows, nothing published. */
export const signalsProjection = createSignalsProjection();
