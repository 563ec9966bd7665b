import type { RecordedEvent } from '../envelope.js';
import type { SerializedEvent } from './append-batch.js';

interface Kept extends SerializedEvent {
  stream: string;
  revision: bigint;
  position: bigint;
  recordedAt: Date;
}

/** What the store keeps of its newest appends; old ones go first. */
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The events this process appended most recently, as it wrote them: its own live subscriptions
 * (the projections, the live feed) read them from here instead of reading back from the database
 * what was sent to it a moment ago. Under webhook load that read-back was tens of kilobytes per
 * delivery, fetched, decompressed and parsed once more.
 *
 * An event read from here equals the one in the log: same id, stream, revision, position and
 * recorded time (returned by the append), and data and metadata parsed from the very JSON text
 * that was stored (a store created with jsonb columns sorts object keys, an order JSON gives no
 * meaning to). Events of other processes are never here; the caller reads those.
 */
export class RecentAppends {
  readonly #events = new Map<bigint, Kept>();
  #bytes = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  keep(
    stream: string,
    events: readonly SerializedEvent[],
    last: { revision: bigint; position: bigint },
    recordedAt: Date,
  ): void {
    const first = BigInt(events.length - 1);
    events.forEach((event, index) => {
      const offset = first - BigInt(index);
      this.#events.set(last.position - offset, {
        ...event,
        stream,
        revision: last.revision - offset,
        position: last.position - offset,
        recordedAt,
      });
      this.#bytes += event.data.length + event.metadata.length;
    });
    // A Map iterates in insertion order: the oldest appends go first.
    for (const [position, kept] of this.#events) {
      if (this.#bytes <= this.maxBytes) break;
      this.#events.delete(position);
      this.#bytes -= kept.data.length + kept.metadata.length;
    }
  }

  /** The events at these positions, in order; null unless every one of them is here. */
  read(positions: readonly bigint[]): RecordedEvent[] | null {
    const found: RecordedEvent[] = [];
    for (const position of positions) {
      const kept = this.#events.get(position);
      if (!kept) return null;
      found.push({
        id: kept.id,
        type: kept.type,
        // Parsed on every read: each reader gets objects of its own, as from the database.
        data: JSON.parse(kept.data),
        metadata: JSON.parse(kept.metadata),
        stream: kept.stream,
        revision: kept.revision,
        position: kept.position,
        recordedAt: new Date(kept.recordedAt),
      });
    }
    return found;
  }
}
