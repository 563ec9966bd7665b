import { eventCatalog } from '../events/catalog.js';
import { type SyncEvent, syncStream } from '../events/sync.js';
import type { EventStore } from '../eventstore/port.js';

/**
 * Provider clocks and ours disagree a little: a change stamped this long before the sync was
 * configured still counts as news.
 */
export const CLOCK_ALLOWANCE_MS = 15 * 60_000;

export interface SyncWatch {
  /** The sync's provider. */
  provider: string;
  /**
   * When the hub began watching: the first SyncConfigured's recorded time, less the clock
   * allowance. What happened before it is history the sync records as data, not news: the first
   * listing of a repository, a repository added to the configuration later, an old issue moved in.
   */
  since: Date;
}

/**
 * The sync's provider and watch start, from the first SyncConfigured of its control stream: read
 * from the log (not from a read model, which may be behind), and fixed once written, so a page gets
 * the same answer whenever it is looked at, before or after a crash. Known answers are kept.
 */
export function syncWatches(store: Pick<EventStore, 'readStream'>) {
  const known = new Map<string, SyncWatch>();
  return async (tenantId: string, connectionId: string, resource: string): Promise<SyncWatch | null> => {
    const stream = syncStream(tenantId, connectionId, resource);
    const cached = known.get(stream);
    if (cached) return cached;
    for await (const recorded of store.readStream(stream)) {
      const event = eventCatalog.decode(recorded) as SyncEvent;
      if (event.type !== 'SyncConfigured') continue;
      const watch = {
        provider: event.data.provider,
        since: new Date(event.recordedAt.getTime() - CLOCK_ALLOWANCE_MS),
      };
      known.set(stream, watch);
      return watch;
    }
    return null;
  };
}
