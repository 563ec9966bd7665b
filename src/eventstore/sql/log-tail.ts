import type { EventFilter } from '../port.js';
import type { WakeSignal } from './wake-signal.js';

/** What the tail keeps of each recent event: enough to tell which filters it matches. */
export interface TailEntry {
  position: bigint;
  type: string;
  stream: string;
}

export interface TailReader {
  /** Newest position in the log. */
  head(): Promise<bigint>;
  /** Entries with position > after, in order, at most `limit`. */
  entriesAfter(after: bigint, limit: number): Promise<TailEntry[]>;
}

/** What a live subscription needs to know after a wake. */
export interface TailView {
  head: bigint;
  /** Whether any event in (after, head] matches the subscription's filter. */
  matches: boolean;
}

const READ_LIMIT = 5_000;
/** Entries kept; a subscription further behind than this reads the log itself. */
const DEFAULT_CAPACITY = 20_000;

/**
 * One reader of the log's newest positions, shared by a store's live subscriptions. Without it,
 * every append woke each subscription (seven projections in the hub) into its own head query and
 * page query, most of them returning nothing for that projection's filter. Now one light query per
 * wake (positions, types and streams; no payloads) tells each subscription whether there is
 * anything for it, and only those with something read pages.
 *
 * Correctness rests on what sqlSubscription already relies on: positions become visible in
 * increasing order, so `position > through` never skips an event that commits later. A view is
 * only handed to a caller once the tail was read after the wake generation the caller saw.
 */
export class LogTail {
  #entries: TailEntry[] = [];
  /** Nothing is known at or below this position (entries start after it); -1: not started. */
  #base = -1n;
  /** The log is known up to here. */
  #through = -1n;
  /** Wake generation current when the last completed read started. */
  #readAtGeneration = -1;
  #readAt = 0;
  #reading: Promise<void> | undefined;

  constructor(
    private readonly reader: TailReader,
    private readonly wake: WakeSignal,
    private readonly options: { capacity?: number; maxAgeMs: number },
  ) {}

  /**
   * The log as of a read that started after generation `seen`, for a subscription at `after`;
   * null when `after` is older than what the tail keeps (the caller reads the log itself).
   */
  async view(after: bigint, seen: number, filter: EventFilter | undefined): Promise<TailView | null> {
    let stale =
      this.#readAtGeneration < seen ||
      this.#through < 0n ||
      Date.now() - this.#readAt > this.options.maxAgeMs;
    while (stale) {
      const joined = this.#reading !== undefined;
      this.#reading ??= this.#read().finally(() => {
        this.#reading = undefined;
      });
      await this.#reading;
      // A read already under way may have started before generation `seen`: then read again.
      stale = joined && this.#readAtGeneration < seen;
    }
    if (after < this.#base) return null;
    const head = this.#through;
    if (head <= after) return { head, matches: false };
    return { head, matches: this.#anyMatch(after, filter) };
  }

  async #read(): Promise<void> {
    const generation = this.wake.current;
    const startedAt = Date.now();
    if (this.#through < 0n) {
      const head = await this.reader.head();
      this.#base = head;
      this.#through = head;
    }
    for (;;) {
      const entries = await this.reader.entriesAfter(this.#through, READ_LIMIT);
      for (const entry of entries) this.#entries.push(entry);
      if (entries.length > 0) this.#through = entries[entries.length - 1]!.position;
      if (entries.length < READ_LIMIT) break;
    }
    // Trimmed back to capacity once a quarter over it, not on every read: copying the whole array
    // on each wake cost more than the few entries a wake adds.
    const capacity = this.options.capacity ?? DEFAULT_CAPACITY;
    const excess = this.#entries.length - capacity;
    if (excess > Math.floor(capacity / 4)) {
      this.#base = this.#entries[excess - 1]!.position;
      this.#entries = this.#entries.slice(excess);
    }
    this.#readAtGeneration = generation;
    this.#readAt = startedAt;
  }

  /**
   * The entries matching `filter` with after < position <= upto, in order, at most `limit`; null
   * when the tail does not know that whole range (then only the log can tell).
   */
  matching(after: bigint, upto: bigint, filter: EventFilter | undefined, limit: number): TailEntry[] | null {
    if (after < this.#base || upto > this.#through) return null;
    const matches = matcher(filter);
    const found: TailEntry[] = [];
    // Newest first to find the start: a live subscription is usually only a few entries behind.
    let start = this.#entries.length;
    while (start > 0 && this.#entries[start - 1]!.position > after) start--;
    for (let index = start; index < this.#entries.length && found.length < limit; index++) {
      const entry = this.#entries[index]!;
      if (entry.position > upto) break;
      if (matches(entry)) found.push(entry);
    }
    return found;
  }

  #anyMatch(after: bigint, filter: EventFilter | undefined): boolean {
    const matches = matcher(filter);
    // Newest first: a live subscription is usually only a few entries behind.
    for (let index = this.#entries.length - 1; index >= 0; index--) {
      const entry = this.#entries[index]!;
      if (entry.position <= after) return false;
      if (matches(entry)) return true;
    }
    return false;
  }
}

function matcher(filter: EventFilter | undefined): (entry: TailEntry) => boolean {
  const types = filter?.eventTypes && filter.eventTypes.length > 0 ? filter.eventTypes : null;
  const prefixes = filter?.streamPrefixes && filter.streamPrefixes.length > 0 ? filter.streamPrefixes : null;
  return (entry) =>
    (!types || types.includes(entry.type)) &&
    (!prefixes || prefixes.some((prefix) => entry.stream.startsWith(prefix)));
}
