import { createHash } from 'node:crypto';
import type { ProviderCatalog } from '../connectors/catalog.js';
import { recordSignalsOf } from '../connectors/record-signals.js';
import { eventCatalog } from '../events/catalog.js';
import { openRecords } from '../events/sealed-records.js';
import { sealSignal } from '../events/sealed-signal.js';
import { changeSignalEventId, SignalRecorded, signalsStream } from '../events/signal.js';
import { parseStreamName } from '../events/streams.js';
import { type RecordsBatchEvent, RecordsBatchRecorded } from '../events/sync.js';
import { appendBatches } from '../eventstore/append-size.js';
import type { Event } from '../eventstore/envelope.js';
import { DuplicateEventIdError, StreamDeletedError } from '../eventstore/errors.js';
import type { EventStore } from '../eventstore/port.js';
import type { Projection } from '../projections/projection.js';
import { makeSignal, signalSchema } from '../signals/signal.js';
import { TenantKeyDestroyedError } from '../vault/errors.js';
import type { ContentVault } from '../vault/sealed-content.js';
import { syncWatches } from './sync-watch.js';

export const SYNC_SIGNALS = 'sync-signals';

export interface SyncSignalsDependencies {
  eventStore: Pick<EventStore, 'append' | 'readStream'>;
  vault: ContentVault;
  catalog: Pick<ProviderCatalog, 'get'>;
}

/**
 * Turns the record changes syncs append (RecordsBatchRecorded) into signals, through the
 * connector's mapper (connectors/record-signals.ts), as SignalRecorded events in the connection's
 * signals stream: the same stream, signal id and event id a webhook gives the same change, so the
 * store takes the second arrival as a retry and the signals read model keeps one row.
 *
 * A reactor driven from the log: the projection runner gives it a checkpoint that advances only
 * after its appends, so a crash between them repeats appends (same ids: absorbed), never loses
 * one. It has no tables and is not one of the read-model projections: a replay rebuilds signals
 * from the SignalRecorded events it wrote, and never runs it (replay and verify write no events).
 *
 * Only changes that happened since the sync began watching become signals (sync-watch.ts): its
 * first listing, or a repository added to its configuration later, records what was already there
 * as data, not as a flood of old news.
 */
export function syncSignalsReactor(dependencies: SyncSignalsDependencies): Projection {
  const watchOf = syncWatches(dependencies.eventStore);
  return {
    name: SYNC_SIGNALS,
    eventTypes: [RecordsBatchRecorded.type],
    tables: [],
    async apply(events) {
      for (const batch of events as readonly RecordsBatchEvent[]) {
        const signals = await signalEventsOf(dependencies, watchOf, batch);
        if (signals) await appendSignals(dependencies, signals.stream, signals.events);
      }
    },
  };
}

async function signalEventsOf(
  dependencies: SyncSignalsDependencies,
  watchOf: ReturnType<typeof syncWatches>,
  batch: RecordsBatchEvent,
): Promise<{ stream: string; events: Event[] } | null> {
  const { connectionId, resource, runId, records } = batch.data;
  const tenantId = parseStreamName(batch.stream)?.tenantId;
  if (!tenantId || records.length === 0) return null;
  const sync = await watchOf(tenantId, connectionId, resource);
  if (!sync) return null;
  const implementation = dependencies.catalog.get(sync.provider)?.implementation;
  const mapper = implementation === undefined ? undefined : recordSignalsOf(implementation);
  if (!mapper) return null;
  const contents = await openRecords(
    dependencies.vault,
    tenantId,
    { connectionId, eventId: batch.id },
    batch.data.content,
  );
  // The tenant was deleted: its records cannot be read, and it has no signals any more.
  if (contents === null) return null;

  const events: Event[] = [];
  try {
    for (const [index, record] of records.entries()) {
      const content = contents[index];
      if (!content) continue;
      const { raw, data } = content;
      for (const found of mapper({ resource, op: record.op, id: record.id, data, raw })) {
        if (found.occurredAt < sync.since) continue;
        const signal = signalSchema.parse(
          makeSignal({ ...found, provider: sync.provider, connectionId, payload: raw }),
        );
        // Never random: a repeated append must carry the same id for the store to absorb it.
        const eventId = changeSignalEventId(tenantId, signal);
        if (eventId === null)
          throw new Error(`${sync.provider} ${resource}: a sync signal must name its change`);
        events.push(
          eventCatalog.create(
            SignalRecorded,
            {
              ...(await sealSignal(dependencies.vault, tenantId, signal, undefined)),
              delivery: {
                id: null,
                eventType: `sync:${resource}`,
                receivedAt: batch.recordedAt.toISOString(),
                bodySha256: createHash('sha256').update(JSON.stringify(raw)).digest('hex'),
              },
              sync: { resource, runId, recordId: record.id },
            },
            {
              tenantId,
              correlationId: batch.metadata.correlationId,
              causationId: batch.id,
              actor: `system:sync`,
            },
            eventId,
          ),
        );
      }
    }
  } catch (error) {
    // Deleted while we worked: nothing of it may be written any more.
    if (error instanceof TenantKeyDestroyedError) return null;
    throw error;
  }
  return events.length === 0 ? null : { stream: signalsStream(tenantId, connectionId), events };
}

/**
 * One append per page when none of its signals is known yet. The store takes an append whose ids
 * are all there as a retry, but refuses one where only some are (a webhook already brought one of
 * them): then each goes on its own, and those already there are retries. A tombstoned stream is a
 * deleted tenant's: it gets no more signals.
 */
async function appendSignals(
  dependencies: SyncSignalsDependencies,
  stream: string,
  events: Event[],
): Promise<void> {
  const append = (some: Event[]) => dependencies.eventStore.append(stream, some, 'any');
  try {
    // In appends the smallest supported KurrentDB takes (1 MiB): a large page's signals are many.
    for (const batch of appendBatches(events)) {
      try {
        await append(batch);
      } catch (error) {
        if (!(error instanceof DuplicateEventIdError) || batch.length === 1) throw error;
        for (const event of batch) await append([event]);
      }
    }
  } catch (error) {
    if (!(error instanceof StreamDeletedError)) throw error;
  }
}
