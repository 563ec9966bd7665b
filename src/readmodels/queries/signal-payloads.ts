import { eventCatalog } from '../../events/catalog.js';
import { openSignalBody } from '../../events/sealed-signal.js';
import { type SignalEvent, signalsStream } from '../../events/signal.js';
import { StreamDeletedError } from '../../eventstore/errors.js';
import type { EventStore } from '../../eventstore/port.js';
import type { ContentVault } from '../../vault/sealed-content.js';
import type { SignalView } from './signal-view.js';

/**
 * Signals with the provider's payload, read from the log: the SignalRecorded event at each row's
 * stream revision already holds it, so the read model does not store the same bytes a second time
 * (the dominant cost of ingesting deliveries of 10-30 KB). Payloads are rarely asked for; each
 * costs one read of one event, issued together for a page.
 */
export async function withPayloads(
  sources: PayloadSources,
  signals: readonly SignalView[],
): Promise<SignalView[]> {
  return Promise.all(
    signals.map(async (signal) => ({ ...signal, payload: await payloadOf(sources, signal) })),
  );
}

/** The log the payloads are in, and the vault they are sealed with. */
export interface PayloadSources {
  eventStore: Pick<EventStore, 'readStream'>;
  vault: ContentVault;
}

async function payloadOf({ eventStore, vault }: PayloadSources, signal: SignalView): Promise<unknown> {
  try {
    const events = eventStore.readStream(signalsStream(signal.tenantId, signal.connectionId), {
      fromRevision: BigInt(signal.revision),
      maxCount: 1,
    });
    for await (const event of events) {
      const decoded = eventCatalog.decode(event) as SignalEvent;
      // The row was folded from this very event; checked all the same.
      if (decoded.type !== 'SignalRecorded' || decoded.data.signal.id !== signal.id) return null;
      return (await openSignalBody(vault, signal.tenantId, decoded.data))?.payload ?? null;
    }
  } catch (error) {
    // A tombstoned stream (the tenant was deleted): its payloads are gone with it (and so are
    // its keys: openSignalBody answers null for any copy still in the log).
    if (!(error instanceof StreamDeletedError)) throw error;
  }
  return null;
}
