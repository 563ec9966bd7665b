/**
 * The double's storage: one in-memory transaction log ($all) plus a per-stream index, with
 * KurrentDB's write rules (write-rules.ts), soft delete and tombstones.
 */
import {
  type DeleteOutcome,
  decideWrite,
  type ExpectedState,
  expectationHolds,
  type WriteOutcome,
} from './write-rules.js';

export type { DeleteOutcome, ExpectedState, WriteOutcome };

/** KurrentDB's event number for a tombstone and `$tb` for a soft-deleted stream (i64::MAX). */
export const DELETED_REVISION = 9223372036854775807n;

/** .NET ticks (100 ns) per millisecond: the unit of the `created` metadata on the wire. */
const TICKS_PER_MS = 10_000n;

export interface StoredEvent {
  stream: string;
  revision: bigint;
  /** Commit and prepare position: equal, as for every event written through gRPC. */
  position: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
  /** .NET ticks since the Unix epoch. */
  created: bigint;
}

export type ProposedEvent = Pick<StoredEvent, 'id' | 'type' | 'contentType' | 'data' | 'metadata'>;

interface StreamRecord {
  /** Index = revision: numbering continues across soft deletes. */
  events: StoredEvent[];
  tombstoned: boolean;
}

export type StreamView =
  | { kind: 'tombstoned' }
  | { kind: 'missing' }
  | { kind: 'present'; events: StoredEvent[]; lastRevision: bigint };

/** How many recently committed event ids the double remembers by default (see `idempotenceWindow`). */
export const DEFAULT_IDEMPOTENCE_WINDOW = 65_536;

export class InMemoryLog {
  /** Every record in commit order, including system events, tombstones and truncated events. */
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StreamRecord>();
  /** Real positions are byte offsets; start above 0 and leave gaps so nobody assumes a counter. */
  private nextPosition = 4096n;
  private readonly appendListeners = new Set<() => void>();
  /**
   * The server's cache of recently committed event ids (8 MiB of entries, about 80,000 events,
   * shared by every stream and emptied by a restart), as a count of the newest records here.
   * Insertion order is commit order, so the oldest entry is the first one.
   */
  private readonly recentCommits = new Map<string, { stream: string; revision: bigint }>();

  constructor(private readonly idempotenceWindow = DEFAULT_IDEMPOTENCE_WINDOW) {}

  append(stream: string, expected: ExpectedState, proposed: readonly ProposedEvent[]): WriteOutcome {
    const record = this.record(stream);
    if (this.isDeleted(stream)) return { kind: 'stream_deleted' };
    const current = this.currentRevision(stream);
    const ids = { events: record.events, hasMetadata: this.hasMetadata(stream) };
    const decision = decideWrite(stream, ids, current, expected, proposed, (id) =>
      this.recentCommits.get(id),
    );
    if (decision !== 'write') return decision;
    if (proposed.length === 0) return { kind: 'written', last: undefined, current };
    if (this.isSoftDeleted(stream)) {
      // Recreating a soft-deleted stream: old events stay hidden below the new $tb.
      this.writeMetadata(stream, { $tb: record.events.length });
    }
    let last: StoredEvent | undefined;
    for (const event of proposed) {
      last = this.write({ ...event, stream, revision: BigInt(record.events.length) });
      record.events.push(last);
    }
    this.notify();
    return { kind: 'written', last, current: BigInt(record.events.length - 1) };
  }

  /** Soft delete: the stream reads as missing until the next append, which continues its numbering. */
  delete(stream: string, expected: ExpectedState): DeleteOutcome {
    const refused = this.refuseDelete(stream, expected);
    if (refused) return refused;
    const written = this.writeMetadata(stream, { $tb: Number(DELETED_REVISION) });
    this.notify();
    return { kind: 'deleted', position: written.position };
  }

  tombstone(stream: string, expected: ExpectedState): DeleteOutcome {
    const refused = this.refuseDelete(stream, expected);
    if (refused) return refused;
    this.record(stream).tombstoned = true;
    const empty = new Uint8Array();
    const tombstone = this.write({
      stream,
      revision: DELETED_REVISION,
      id: crypto.randomUUID(),
      type: '$streamDeleted',
      contentType: 'application/octet-stream',
      data: empty,
      metadata: empty,
    });
    this.notify();
    return { kind: 'deleted', position: tombstone.position };
  }

  /** What a stream read sees: honours soft delete, `$tb`, `$maxCount` and `$maxAge`. */
  view(stream: string): StreamView {
    if (this.isDeleted(stream)) return { kind: 'tombstoned' };
    const events = this.streams.get(stream)?.events ?? [];
    const last = events.at(-1);
    if (!last || this.isSoftDeleted(stream)) return { kind: 'missing' };
    const meta = stream.startsWith('$$') ? {} : this.metadataOf(stream);
    const limit = (key: string) =>
      typeof meta[key] === 'number' ? BigInt(Math.trunc(meta[key])) : undefined;
    const [truncateBefore, maxCount, maxAge] = [limit('$tb'), limit('$maxCount'), limit('$maxAge')];
    const nowTicks = BigInt(Date.now()) * TICKS_PER_MS;
    const visible = events.filter(
      (event) =>
        (truncateBefore === undefined || event.revision >= truncateBefore) &&
        (maxCount === undefined || event.revision > last.revision - maxCount) &&
        (maxAge === undefined || nowTicks - event.created <= maxAge * 1000n * TICKS_PER_MS),
    );
    return { kind: 'present', events: visible, lastRevision: last.revision };
  }

  /** The event at `revision` if a stream read would still return it. */
  readable(stream: string, revision: bigint): StoredEvent | undefined {
    const view = this.view(stream);
    return view.kind === 'present' ? view.events.find((event) => event.revision === revision) : undefined;
  }

  /** Where the next record will be written: what a 25.0.0 server could send as a checkpoint. */
  get endPosition(): bigint {
    return this.nextPosition;
  }

  /** Calls `listener` after every write until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  private refuseDelete(stream: string, expected: ExpectedState): DeleteOutcome | undefined {
    if (this.isDeleted(stream)) return { kind: 'stream_deleted' };
    const current = this.currentRevision(stream);
    if (!expectationHolds(expected, current)) return { kind: 'wrong_expected_version', current };
    return undefined;
  }

  private hasMetadata(stream: string): boolean {
    return !stream.startsWith('$$') && (this.streams.get(`$$${stream}`)?.events.length ?? 0) > 0;
  }

  private record(stream: string): StreamRecord {
    let record = this.streams.get(stream);
    if (!record) {
      record = { events: [], tombstoned: false };
      this.streams.set(stream, record);
    }
    return record;
  }

  /** A metastream shares its stream's tombstone. */
  private isDeleted(stream: string): boolean {
    const owner = stream.startsWith('$$') ? stream.slice(2) : stream;
    return this.streams.get(owner)?.tombstoned === true || this.streams.get(stream)?.tombstoned === true;
  }

  private isSoftDeleted(stream: string): boolean {
    return !stream.startsWith('$$') && this.metadataOf(stream).$tb === Number(DELETED_REVISION);
  }

  /** -1 when the stream has no events (or is soft-deleted), as KurrentDB reports it. */
  private currentRevision(stream: string): bigint {
    const events = this.streams.get(stream)?.events ?? [];
    if (events.length === 0 || this.isSoftDeleted(stream)) return -1n;
    return BigInt(events.length - 1);
  }

  private metadataOf(stream: string): Record<string, unknown> {
    const last = this.streams.get(`$$${stream}`)?.events.at(-1);
    if (!last) return {};
    try {
      const parsed: unknown = JSON.parse(Buffer.from(last.data).toString('utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  /** Merges `changes` into the stream's metadata, as the server does when it deletes. */
  private writeMetadata(stream: string, changes: Record<string, number>): StoredEvent {
    const metastream = this.record(`$$${stream}`);
    const data = Buffer.from(JSON.stringify({ ...this.metadataOf(stream), ...changes }));
    const event = this.write({
      stream: `$$${stream}`,
      revision: BigInt(metastream.events.length),
      id: crypto.randomUUID(),
      type: '$metadata',
      contentType: 'application/json',
      data,
      metadata: new Uint8Array(),
    });
    metastream.events.push(event);
    return event;
  }

  private write(event: Omit<StoredEvent, 'position' | 'created'>): StoredEvent {
    const stored: StoredEvent = {
      ...event,
      position: this.nextPosition,
      created: BigInt(Date.now()) * TICKS_PER_MS,
    };
    // Roughly a record's size on disk, so positions look like byte offsets.
    const size = 80 + event.stream.length + event.type.length + event.data.length + event.metadata.length;
    this.nextPosition += BigInt(size);
    this.all.push(stored);
    this.recentCommits.delete(stored.id);
    this.recentCommits.set(stored.id, { stream: stored.stream, revision: stored.revision });
    for (const oldest of this.recentCommits.keys()) {
      if (this.recentCommits.size <= this.idempotenceWindow) break;
      this.recentCommits.delete(oldest);
    }
    return stored;
  }

  private notify(): void {
    for (const listener of this.appendListeners) listener();
  }
}
