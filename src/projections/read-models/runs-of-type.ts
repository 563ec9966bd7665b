import type { RecordedEvent } from '../../eventstore/envelope.js';

export interface RunOfType {
  type: string;
  events: readonly RecordedEvent[];
}

/**
 * A batch cut into consecutive runs of one event type, in order: a projection can write each run
 * in one statement and still apply a deletion exactly where it falls between inserts.
 */
export function runsOfType(events: readonly RecordedEvent[]): RunOfType[] {
  const runs: { type: string; events: RecordedEvent[] }[] = [];
  for (const event of events) {
    const last = runs[runs.length - 1];
    if (last?.type === event.type) last.events.push(event);
    else runs.push({ type: event.type, events: [event] });
  }
  return runs;
}
