import { eventCatalog } from '../events/catalog.js';
import { type SyncEvent, syncStream } from '../events/sync.js';
import type { EventStore } from '../eventstore/port.js';

export interface SyncBaseline {
  /** The sync's provider (its first SyncConfigured). */
  provider: string;
  /**
   * Whether a page at this log position belongs to the sync's baseline: every page recorded before
   * the sync's first SyncCompleted, i.e. its first listing (resumed, retried or failed) up to
   * the first run that finished it.
   */
  isBaseline(position: bigint): boolean;
}

/**
 * What a sync's control stream says about its baseline, read from the log (never from a read model,
 * which may be behind or ahead of the page being looked at): the answer for a page depends only on
 * events before it or on the first SyncCompleted, which never moves once written. So a page gets
 * the same answer whenever it is asked, before or after a crash. Known answers are kept; a sync
 * still in its baseline is read again for its next page.
 */
export function syncBaseline(store: Pick<EventStore, 'readStream'>) {
  const settled = new Map<string, { provider: string; completedAt: bigint }>();
  return {
    async of(tenantId: string, connectionId: string, resource: string): Promise<SyncBaseline | null> {
      const stream = syncStream(tenantId, connectionId, resource);
      let known = settled.get(stream);
      if (!known) {
        const read = await readBaseline(store, stream);
        if (!read) return null;
        if (read.completedAt === null) return { provider: read.provider, isBaseline: () => true };
        known = { provider: read.provider, completedAt: read.completedAt };
        settled.set(stream, known);
      }
      const { provider, completedAt } = known;
      return { provider, isBaseline: (position) => position < completedAt };
    },
  };
}

async function readBaseline(
  store: Pick<EventStore, 'readStream'>,
  stream: string,
): Promise<{ provider: string; completedAt: bigint | null } | null> {
  let provider: string | null = null;
  for await (const recorded of store.readStream(stream)) {
    const event = eventCatalog.decode(recorded) as SyncEvent;
    if (event.type === 'SyncConfigured') provider ??= event.data.provider;
    if (event.type === 'SyncCompleted')
      return provider === null ? null : { provider, completedAt: event.position };
  }
  return provider === null ? null : { provider, completedAt: null };
}
