import { openSignalContent } from '../../events/sealed-signal.js';
import { type SignalContent, type SignalEvent, SignalRecorded } from '../../events/signal.js';
import { parseStreamName } from '../../events/streams.js';
import { TenantDeleted, type TenantEvent } from '../../events/tenant.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { HubMetrics } from '../../observability/metrics/index.js';
import type { PubSub } from '../../platform/pubsub.js';
import { type SignalRow, signalsTopic } from '../../readmodels/queries/signal-view.js';
import type { ContentVault } from '../../vault/sealed-content.js';
import { ProjectionEventError } from '../errors.js';
import { READ_MODEL } from '../names.js';
import type { Projection } from '../projection.js';
import { pgText, pgTextOrNull } from './pg-text.js';
import { runsOfType } from './runs-of-type.js';
import { insertSignalRows } from './signal-rows-insert.js';

export const SIGNALS_PROJECTION = READ_MODEL.signals;

/** Older events are history, not news: a rebuild or a long outage must not replay them live. */
const LIVE_WINDOW_MS = 5 * 60_000;

/** The tenant a signal event belongs to, from its stream name. */
export function signalTenant(event: SignalEvent): string {
  const tenantId = parseStreamName(event.stream)?.tenantId;
  if (!tenantId) throw new ProjectionEventError(event, `SignalRecorded in a stream without a tenant`);
  return tenantId;
}

/**
 * What a shredded signal says: its tenant's keys are gone (a replay of a deleted tenant's log, or a
 * projection behind the deletion). The rows go when TenantDeleted is applied, right after.
 */
const SHREDDED: SignalContent = { actor: null, subject: null, summary: '[deleted]' };

/**
 * The read-model row of a SignalRecorded event and its opened content: pure, so it is tested
 * without a database, and a rebuild writes byte-identical rows (every value comes from the event).
 */
export function signalRow(event: SignalEvent, content: SignalContent | null): SignalRow {
  const tenantId = signalTenant(event);
  const { delivery } = event.data;
  const signal = { ...event.data.signal, ...(content ?? SHREDDED) };
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

/**
 * From acknowledgement to live: a webhook's signal was acknowledged when it was appended (its
 * recorded time); a sync's signal when its page was recorded (`delivery.receivedAt`), before the
 * reactor turned the page into signals.
 */
function observeLag(
  metrics: Pick<HubMetrics, 'signalPublished'>,
  events: readonly SignalEvent[],
  publishedAt: number,
): void {
  for (const event of events) {
    const fromSync = event.data.sync !== undefined;
    const acknowledgedAt = fromSync ? Date.parse(event.data.delivery.receivedAt) : event.recordedAt.getTime();
    metrics.signalPublished(
      event.data.signal.provider,
      fromSync ? 'sync' : 'webhook',
      (publishedAt - acknowledgedAt) / 1000,
    );
  }
}

export interface SignalsProjectionOptions {
  /** Opens what each signal says (sealed with its tenant's data key). */
  vault: ContentVault;
  /** Where live signals go once their batch has committed; none for rebuilds and verify. */
  pubsub?: PubSub;
  now?: () => number;
  /** Delivery → signal lag of each signal published live. */
  metrics?: Pick<HubMetrics, 'signalPublished'>;
}

/**
 * Signals are immutable: each event inserts one row, and a row already there is left alone. With a
 * pubsub, each committed signal is then
 * published to its tenant's topic: subscribers hear of it only once a query would find it. The
 * payload stays in the log (readmodels/queries/signal-payloads.ts), so neither the row nor the message repeats it.
 */
export function createSignalsProjection(options: SignalsProjectionOptions): Projection {
  const now = options.now ?? Date.now;
  const { pubsub, vault } = options;
  // Rows made by apply, for afterCommit to publish without opening the same content twice; keyed
  // by the event objects the runner hands to both, so nothing outlives its batch.
  const made = new WeakMap<RecordedEvent, SignalRow>();
  const rowsOf = (events: readonly SignalEvent[]) =>
    Promise.all(
      events.map(async (event) => {
        const known = made.get(event);
        if (known) return known;
        const row = signalRow(event, await openSignalContent(vault, signalTenant(event), event.data));
        if (pubsub) made.set(event, row);
        return row;
      }),
    );
  return {
    name: SIGNALS_PROJECTION,
    eventTypes: [SignalRecorded.type, TenantDeleted.type],
    tables: [{ name: 'signals' }],
    async apply(events, tx) {
      // In order: a tenant's deletion removes its rows, and no signal of it can follow (its keys,
      // and so its ability to seal anything, are gone before TenantDeleted is written).
      for (const run of runsOfType(events)) {
        if (run.type === TenantDeleted.type) {
          const tenants = (run.events as readonly TenantEvent[]).map((event) => event.data.tenantId);
          await tx.signal.deleteMany({ where: { tenantId: { in: tenants } } });
        } else {
          await insertSignalRows(tx, await rowsOf(run.events as readonly SignalEvent[]));
        }
      }
    },
    afterCommit: pubsub
      ? async (events) => {
          const fresh = (events as readonly RecordedEvent[]).filter(
            (event): event is SignalEvent =>
              event.type === SignalRecorded.type && now() - event.recordedAt.getTime() < LIVE_WINDOW_MS,
          );
          // Issued together: Redis pipelines them on one connection, in order, instead of one
          // round trip per signal holding up the next batch.
          const rows = await rowsOf(fresh);
          await Promise.all(rows.map((row) => pubsub.publish(signalsTopic(row.tenantId), row)));
          if (options.metrics) observeLag(options.metrics, fresh, now());
        }
      : undefined,
  };
}
