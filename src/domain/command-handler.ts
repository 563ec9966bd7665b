import { eventCatalog } from '../events/catalog.js';
import type { RecordedEvent } from '../eventstore/envelope.js';
import { WrongExpectedVersionError } from '../eventstore/errors.js';
import type { EventStore, ExpectedRevision } from '../eventstore/port.js';
import type { CommandContext, Decider } from './decider.js';

export interface CommandResult<State> {
  state: State;
  events: RecordedEvent[] | readonly [];
  /** Global position of the last event written, or null when the command changed nothing. */
  position: bigint | null;
}

const MAX_ATTEMPTS = 3;

/**
 * Load → decide → append with the stream's revision as the expectation. A concurrent writer makes
 * the append fail; the command is then decided again on the fresh state (a few times), so two
 * racing commands never both act on the same state.
 */
export async function handleCommand<State, Command, StreamEvent extends RecordedEvent>(
  store: EventStore,
  stream: string,
  decider: Decider<State, Command, StreamEvent>,
  command: Command,
  context: CommandContext,
): Promise<CommandResult<State>> {
  for (let attempt = 1; ; attempt++) {
    let state = decider.initialState();
    let expected: ExpectedRevision = 'no_stream';
    for await (const recorded of store.readStream(stream)) {
      state = decider.evolve(state, eventCatalog.decode(recorded) as StreamEvent);
      expected = recorded.revision;
    }
    const events = decider.decide(command, state, context);
    if (events.length === 0) return { state, events: [], position: null };
    try {
      const result = await store.append(stream, events, expected);
      const base = result.revision - BigInt(events.length) + 1n;
      const recorded = events.map(
        (event, index): RecordedEvent => ({
          ...event,
          stream,
          revision: base + BigInt(index),
          // Exact for the last event; earlier ones of a multi-event append get the same value
          // (stores need not number one append contiguously). Only evolve reads these.
          position: result.position,
          recordedAt: context.now,
        }),
      );
      for (const event of recorded) state = decider.evolve(state, event as StreamEvent);
      return { state, events: recorded, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
