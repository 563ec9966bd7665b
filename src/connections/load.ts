import { type ConnectionState, evolveConnectionState } from '../domain/connection-state.js';
import { eventCatalog } from '../events/catalog.js';
import { type ConnectionEvent, connectionStream } from '../events/connection.js';
import type { EventStore } from '../eventstore/port.js';

/**
 * A connection's state folded from its stream: the truth, where the read model may lag by a few
 * milliseconds. Refreshes decide on this, never on the read model.
 */
export async function loadConnection(
  store: EventStore,
  tenantId: string,
  connectionId: string,
): Promise<ConnectionState> {
  let state: ConnectionState = { status: 'none' };
  for await (const recorded of store.readStream(connectionStream(tenantId, connectionId))) {
    state = evolveConnectionState(state, eventCatalog.decode(recorded) as ConnectionEvent);
  }
  return state;
}
