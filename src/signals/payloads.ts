import { eventCatalog } from '../events/catalog.js';
import type { SignalEvent } from '../events/signal.js';
import { SignalRecorded } from '../events/signal.js';
import type { EventStore } from '../eventstore/port.js';
import type { SignalView } from './view.js';

/**
 * Signals with the provider's payload, read from the log: the SignalRecorded event at each row's
 * position already holds it, so the read model does not store the same bytes a second time (the
 * dominant cost of ingesting deliveries of 10-30 KB). Payloads are rarely asked for; each costs one
 * indexed read by position, issued together for a page.
 */
export async function withPayloads(
  store: Pick<EventStore, 'readAll'>,
  signals: readonly SignalView[],
): Promise<SignalView[]> {
  return Promise.all(signals.map(async (signal) => ({ ...signal, payload: await payloadOf(store, signal) })));
}

async function payloadOf(store: Pick<EventStore, 'readAll'>, signal: SignalView): Promise<unknown> {
  const events = store.readAll({
    after: BigInt(signal.position) - 1n,
    maxCount: 1,
    filter: { eventTypes: [SignalRecorded.type] },
  });
  for await (const event of events) {
    const decoded = eventCatalog.decode(event) as SignalEvent;
    // Positions are exact, so this is the row's own event; checked all the same.
    return decoded.position === BigInt(signal.position) && decoded.data.signal.id === signal.id
      ? (decoded.data.signal.payload ?? null)
      : null;
  }
  return null;
}
