import type { Event, RecordedEvent } from './envelope.js';

/**
 * What an append expects of the stream before it writes.
 * - a bigint: the stream's current last revision must be exactly this;
 * - 'no_stream': the stream must not exist yet;
 * - 'exists': the stream must exist (and not be tombstoned);
 * - 'any': no check.
 */
export type ExpectedRevision = bigint | 'no_stream' | 'exists' | 'any';

export interface AppendResult {
  /** Revision of the last event written (or found, for an idempotent retry). */
  revision: bigint;
  /** Global position of the last event written; what `waitFor` and read-your-writes wait on. */
  position: bigint;
  /**
   * True when the call wrote nothing because every event id was already in the stream (an
   * idempotent retry): a caller that appends facts from outside (a redelivered webhook) learns
   * from the log itself that it had them. False for an empty append. Promised for name-based
   * (UUIDv5) ids under 'any'/'exists'; for other ids a store may answer a recognized retry as it
   * answered the write (KurrentDB does: same revision and position, `duplicate` false).
   */
  duplicate: boolean;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** Inclusive start revision; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: bigint;
  direction?: Direction;
  maxCount?: number;
}

/** Server-side filter on the global log. Both lists are ORed within, ANDed together. */
export interface EventFilter {
  /** Exact event types. */
  eventTypes?: readonly string[];
  /** Stream name prefixes, e.g. `tenant-` for a category or `signals-acme.` for one tenant. */
  streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: start right after this position (forwards) or right before it (backwards). */
  after?: bigint;
  direction?: Direction;
  maxCount?: number;
  filter?: EventFilter;
  /**
   * A filtered read can make the store scan far for few matches: give up with DependencyError
   * after this long (per server request). Adapters whose reads are index lookups may ignore it.
   */
  deadlineMs?: number;
}

/**
 * An event with its data and metadata as the JSON text the store keeps, unparsed: for whoever
 * hashes events (the audit sealer) rather than reads them.
 */
export interface StoredEvent extends Omit<RecordedEvent, 'data' | 'metadata'> {
  dataJson: string;
  metadataJson: string;
}

export interface SubscribeAllOptions {
  /** Exclusive start; undefined = the beginning of the log. */
  after?: bigint;
  filter?: EventFilter;
  /**
   * With a filter, the subscription emits a checkpoint at least every this many scanned events
   * (and when it catches up), so a consumer of a sparse filter can still advance its checkpoint.
   */
  checkpointInterval?: number;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  /** Everything up to and including `position` that matches the filter has been delivered. */
  | { kind: 'checkpoint'; position: bigint }
  /** The catch-up phase is over; what follows is live. Emitted once. */
  | { kind: 'caught_up'; position: bigint };

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  /** Ends the iteration; pending `next()` calls resolve with done. Idempotent. */
  close(): Promise<void>;
}

export interface StreamMetadata {
  /** Keep at most this many events (older ones are no longer readable). */
  maxCount?: number;
  /** Keep events at most this many seconds. */
  maxAge?: number;
  /** Events below this revision are no longer readable. */
  truncateBefore?: bigint;
  /** Application metadata. */
  custom?: Record<string, unknown>;
}

export interface StreamMetadataResult {
  metadata: StreamMetadata;
  /** Revision of the metadata itself ('no_stream' when never set). */
  metaRevision: bigint | 'no_stream';
}

export interface EventStore {
  /** Which adapter this is, for logs and /readyz. */
  readonly kind: 'postgres' | 'pglite' | 'kurrentdb';

  /**
   * Appends atomically. Throws WrongExpectedVersionError when `expected` does not hold,
   * StreamDeletedError on a tombstoned stream, AppendTooLargeError when the store refuses the
   * append's size (keep appends under MAX_APPEND_BYTES, append-size.ts). Appending events whose ids
   * were all already appended to this stream by an identical earlier call succeeds without writing
   * (idempotent retry), however late for name-based (UUIDv5) ids; KurrentDB recognizes a late retry
   * of random ids under 'any'/'exists' only while its commit cache remembers them (kurrentdb/receipts.ts).
   */
  append(stream: string, events: readonly Event[], expected: ExpectedRevision): Promise<AppendResult>;

  /** A stream's events. A stream that never existed yields nothing; a tombstoned one throws StreamDeletedError. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;

  /** The global log, in position order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  /**
   * The global log as readAll gives it, with data and metadata as stored JSON text, never parsed.
   * Optional: a store that only hands out parsed events (KurrentDB's client) leaves it out, and
   * callers stringify what readAll gives (the same text: every writer here writes JSON.stringify's).
   */
  readAllStored?(options?: Omit<ReadAllOptions, 'filter'>): AsyncIterable<StoredEvent>;

  /** Catch-up then live. Never skips an event and never delivers one twice or out of order. */
  subscribeAll(options?: SubscribeAllOptions): Subscription;

  /**
   * Position of the newest event matching the filter (0n when the log is empty). With a sparse
   * filter KurrentDB scans backwards for it: for status and reports, never on a request's path.
   */
  headPosition(filter?: EventFilter): Promise<bigint>;

  setStreamMetadata(stream: string, metadata: StreamMetadata, expected?: ExpectedRevision): Promise<void>;
  getStreamMetadata(stream: string): Promise<StreamMetadataResult>;

  /** Permanently deletes a stream: reads and appends fail with StreamDeletedError from now on. */
  tombstone(stream: string, expected?: ExpectedRevision): Promise<void>;

  /** Checks the store answers; throws DependencyError when it does not. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
