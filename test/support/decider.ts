import { expect } from 'vitest';
import type { CommandContext, Decider } from '../../src/domain/decider.js';
import type { Event, RecordedEvent } from '../../src/eventstore/envelope.js';

export const testContext = (now = new Date('2026-01-02T03:04:05.000Z')): CommandContext => ({
  now,
  metadata: {
    tenantId: 'acme',
    correlationId: 'c-1',
    causationId: null,
    actor: 'system:test',
  },
});

export function recorded<E extends Event>(event: E, revision = 0): RecordedEvent {
  return {
    ...event,
    stream: 'test-acme.x',
    revision: BigInt(revision),
    position: BigInt(revision + 1),
    recordedAt: new Date(),
  };
}

/** given(events).when(command).then(events) / .thenThrows(code), as in Emmett's decider tests. */
export function given<S, C, E extends RecordedEvent>(
  decider: Decider<S, C, E>,
  history: Array<Pick<E, 'type' | 'data'>>,
) {
  const state = history.reduce(
    (current, event, index) =>
      decider.evolve(
        current,
        recorded(
          { id: `e${index}`, metadata: { ...testContext().metadata, schemaVersion: 1 }, ...event } as Event,
          index,
        ) as E,
      ),
    decider.initialState(),
  );
  return {
    when(command: C, context = testContext()) {
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then is how decider specs read (Emmett); nothing awaits this object
        then(expected: Array<{ type: string; data: unknown }>) {
          const events = decider.decide(command, state, context);
          expect(events.map(({ type, data }) => ({ type, data }))).toEqual(expected);
        },
        thenThrows(code: string) {
          expect(() => decider.decide(command, state, context)).toThrow(expect.objectContaining({ code }));
        },
      };
    },
  };
}
