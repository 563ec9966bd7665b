import type { CallerMetadata } from '../events/define.js';
import type { Event, RecordedEvent } from '../eventstore/envelope.js';

/**
 * An aggregate as a decider (Emmett's shape): a pure fold of its events into state, and a pure
 * decision from a command and that state to new events. No I/O, no clock: the clock arrives in
 * the command's context.
 */
export interface Decider<State, Command, StreamEvent extends RecordedEvent> {
  initialState: () => State;
  evolve: (state: State, event: StreamEvent) => State;
  decide: (command: Command, state: State, context: CommandContext) => Event[];
}

/** Who asks, when, and under which correlation: becomes the new events' metadata. */
export interface CommandContext {
  now: Date;
  metadata: CallerMetadata;
}
