import { DependencyError } from '../../shared/errors.js';
import type { Event, RecordedEvent } from '../envelope.js';
import { StreamDeletedError, WrongExpectedVersionError } from '../errors.js';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamMetadata,
  StreamMetadataResult,
  SubscribeAllOptions,
  Subscription,
} from '../port.js';
import { actualRevision, expectationHolds } from './append-batch.js';
import { AppendQueue } from './append-queue.js';
import type { SqlClient, SqlExecutor } from './client.js';
import { CommitNotifier } from './commit-notifier.js';
import { LogTail } from './log-tail.js';
import { RecentAppends } from './recent-appends.js';
import {
  EVENT_COLUMNS,
  type EventRow,
  filterClause,
  type StoredEventRow,
  toRecordedEvent,
  toStoredEvent,
} from './rows.js';
import { APPEND_LOCK_KEY, NOTIFY_CHANNEL } from './schema.js';
import { readStreamQuery } from './stream-read.js';
import { SAFETY_POLL_MS, sqlSubscription } from './subscription.js';
import { TableStatistics } from './table-statistics.js';
import { WakeSignal } from './wake-signal.js';

const READ_PAGE = 1000;

/**
 * The EventStore on PostgreSQL or embedded PGlite. Tombstoned streams keep their events in the
 * global log, as KurrentDB does until a scavenge: rebuilding read models from the log must give
 * the same result as the live projections did, and crypto-shredding (not deletion) is what makes
 * a deleted tenant's secrets unreadable.
 */
export class SqlEventStore implements EventStore {
  readonly kind: 'postgres' | 'pglite';
  private readonly wake = new WakeSignal();
  private readonly appends: AppendQueue;
  private readonly tail: LogTail;
  private readonly recent = new RecentAppends();
  private readonly statistics: TableStatistics;
  /** PostgreSQL: NOTIFY after the commit, not in it; PGlite notifies in the append (one process). */
  private readonly notifier: CommitNotifier | null;
  private unlisten: (() => Promise<void>) | null = null;
  /** The newest position this process committed (its appends woke its own subscriptions). */
  private committedHere = -1n;

  constructor(private readonly db: SqlClient) {
    this.kind = db.kind;
    this.statistics = new TableStatistics(db);
    this.notifier = db.kind === 'postgres' ? new CommitNotifier(db) : null;
    this.appends = new AppendQueue(
      db,
      (head) => {
        if (head > this.committedHere) this.committedHere = head;
        this.wake.notify();
        this.notifier?.committed(head);
        this.statistics.committed(head);
      },
      this.recent,
    );
    this.tail = new LogTail(
      {
        head: () => this.headPosition(),
        entriesAfter: async (after, limit) => {
          const rows = await this.db.query<{ position: string | number; type: string; stream: string }>(
            `SELECT position, type, stream FROM sb_events WHERE position > $1 ORDER BY position LIMIT ${limit}`,
            [String(after)],
          );
          return rows.map((row) => ({ position: BigInt(row.position), type: row.type, stream: row.stream }));
        },
      },
      this.wake,
      // Half the subscriptions' safety poll: a missed NOTIFY is still noticed within a poll or two.
      { maxAgeMs: SAFETY_POLL_MS / 2 },
    );
  }

  /** Starts listening for other processes' commits. */
  async start(): Promise<void> {
    const head = await this.headPosition();
    // PGlite answers one query at a time anyway; on PostgreSQL a large log's ANALYZE must not hold up
    // startup (or fail it on the statement timeout): it runs beside the first appends.
    if (this.db.kind === 'pglite') await this.statistics.refresh(head);
    else this.statistics.committed(head);
    this.unlisten = await this.db.listen(NOTIFY_CHANNEL, (payload) => {
      if (!this.#newsIn(payload)) return;
      this.wake.notify();
    });
  }

  /**
   * Whether a NOTIFY can tell this process of events it has not been woken for. Its own commits
   * come back as NOTIFYs too (the CommitNotifier's payload is the head it committed): when the
   * head notified is at or below the newest this process committed, the local wake after that
   * commit already covered it, since positions commit in order (every position below ours had
   * committed when ours did) and the tail read that followed saw them all. Skipping those echoes
   * saves every subscription's tail a query per commit. An empty or unreadable payload (a
   * reconnected listener, another version's process) is news.
   */
  #newsIn(payload: string): boolean {
    if (!/^\d+$/.test(payload)) return true;
    return BigInt(payload) > this.committedHere;
  }

  append(stream: string, events: readonly Event[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.appends.append(stream, events, expected);
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const state = await this.streamState(this.db, stream);
    if (state?.tombstoned) throw new StreamDeletedError(stream);
    if (!state) return;
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let from = options.fromRevision ?? (backwards ? state.revision : 0n);
    while (remaining > 0) {
      const limit = Math.min(READ_PAGE, remaining);
      const query = readStreamQuery(stream, from, backwards, limit, state.metadata, state.revision);
      const rows = await this.db.query<EventRow>(query.sql, query.params);
      for (const row of rows) yield toRecordedEvent(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      const last = BigInt(rows[rows.length - 1]!.revision);
      from = backwards ? last - 1n : last + 1n;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    for await (const rows of this.pagesOfAll<EventRow>(EVENT_COLUMNS, options))
      yield* rows.map(toRecordedEvent);
  }

  async *readAllStored(options: Omit<ReadAllOptions, 'filter'> = {}): AsyncIterable<StoredEvent> {
    // ::text hands the json columns over as the text they hold: pg parses nothing.
    const columns =
      'position, id, stream, revision, type, data::text AS data, metadata::text AS metadata, recorded_at';
    for await (const rows of this.pagesOfAll<StoredEventRow>(columns, options))
      yield* rows.map(toStoredEvent);
  }

  /** The global log in pages of READ_PAGE rows, in position order, with the given columns. */
  private async *pagesOfAll<Row extends { position: string | number }>(
    columns: string,
    options: ReadAllOptions,
  ): AsyncIterable<Row[]> {
    const backwards = options.direction === 'backwards';
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let after = options.after;
    while (remaining > 0) {
      const limit = Math.min(READ_PAGE, remaining);
      const bound = after === undefined ? [] : [String(after)];
      const where = after === undefined ? 'TRUE' : backwards ? 'position < $1' : 'position > $1';
      const filter = filterClause(options.filter, bound.length + 1);
      const rows = await this.db.query<Row>(
        `SELECT ${columns} FROM sb_events WHERE ${where}${filter.sql}
         ORDER BY position ${backwards ? 'DESC' : 'ASC'} LIMIT ${limit}`,
        [...bound, ...filter.params],
      );
      yield rows;
      if (rows.length < limit) return;
      remaining -= rows.length;
      after = BigInt(rows[rows.length - 1]!.position);
    }
  }

  subscribeAll(options: SubscribeAllOptions = {}): Subscription {
    return sqlSubscription(
      {
        head: () => this.headPosition(),
        page: async (after, upto, filter, limit) => {
          // This process's own newest appends, when the tail knows the range: no read-back.
          const entries = this.tail.matching(after, upto, filter, limit);
          const local = entries && this.recent.read(entries.map((entry) => entry.position));
          if (local) return local;
          const clause = filterClause(filter, 3);
          const rows = await this.db.query<EventRow>(
            `SELECT ${EVENT_COLUMNS} FROM sb_events WHERE position > $1 AND position <= $2${clause.sql}
             ORDER BY position LIMIT ${limit}`,
            [String(after), String(upto), ...clause.params],
          );
          return rows.map(toRecordedEvent);
        },
      },
      this.wake,
      options,
      this.tail,
    );
  }

  async headPosition(filter?: EventFilter): Promise<bigint> {
    const clause = filterClause(filter, 1);
    const rows = await this.db.query<{ head: string | number | null }>(
      `SELECT MAX(position) AS head FROM sb_events WHERE TRUE${clause.sql}`,
      clause.params,
    );
    return BigInt(rows[0]?.head ?? 0);
  }

  async setStreamMetadata(stream: string, metadata: StreamMetadata, expected: ExpectedRevision = 'any') {
    await this.db.transaction(async (tx) => {
      // Same lock as appends: metadata and tombstones change what appends may do.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
      const state = await this.streamState(tx, stream);
      if (state?.tombstoned) throw new StreamDeletedError(stream);
      const metaRevision = state?.metaRevision ?? -1n;
      if (!expectationHolds(expected, metaRevision)) {
        throw new WrongExpectedVersionError(`$$${stream}`, expected, actualRevision(metaRevision));
      }
      await tx.query(
        `INSERT INTO sb_streams (stream, revision, metadata, meta_revision) VALUES ($1, -1, $2, 0)
         ON CONFLICT (stream) DO UPDATE SET metadata = excluded.metadata,
           meta_revision = COALESCE(sb_streams.meta_revision, -1) + 1`,
        [stream, JSON.stringify(encodeMetadata(metadata))],
      );
    });
  }

  async getStreamMetadata(stream: string): Promise<StreamMetadataResult> {
    const state = await this.streamState(this.db, stream);
    if (state?.tombstoned) throw new StreamDeletedError(stream);
    if (!state || state.metaRevision === null) return { metadata: {}, metaRevision: 'no_stream' };
    return { metadata: state.metadata, metaRevision: state.metaRevision };
  }

  async tombstone(stream: string, expected: ExpectedRevision = 'any'): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
      const state = await this.streamState(tx, stream);
      if (state?.tombstoned) throw new StreamDeletedError(stream);
      const revision = state?.revision ?? -1n;
      if (!expectationHolds(expected, revision)) {
        throw new WrongExpectedVersionError(stream, expected, actualRevision(revision));
      }
      await tx.query(
        `INSERT INTO sb_streams (stream, revision, tombstoned) VALUES ($1, -1, true)
         ON CONFLICT (stream) DO UPDATE SET tombstoned = true`,
        [stream],
      );
    });
  }

  async ping(): Promise<void> {
    try {
      await this.db.query('SELECT 1');
    } catch (error) {
      throw new DependencyError(`The ${this.kind} event store does not answer`, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.statistics.settled();
    await this.notifier?.settled();
    await this.unlisten?.();
    this.wake.notify();
    await this.db.close();
  }

  private async streamState(db: SqlExecutor, stream: string) {
    const rows = await db.query<{
      revision: string | number;
      tombstoned: boolean;
      metadata: EncodedMetadata | null;
      meta_revision: string | number | null;
    }>('SELECT revision, tombstoned, metadata, meta_revision FROM sb_streams WHERE stream = $1', [stream]);
    const row = rows[0];
    if (!row) return null;
    return {
      revision: BigInt(row.revision),
      tombstoned: row.tombstoned,
      metadata: decodeMetadata(row.metadata),
      metaRevision: row.meta_revision === null ? null : BigInt(row.meta_revision),
    };
  }
}

type EncodedMetadata = Omit<StreamMetadata, 'truncateBefore'> & { truncateBefore?: string };

const encodeMetadata = ({ truncateBefore, ...rest }: StreamMetadata): EncodedMetadata =>
  truncateBefore === undefined ? rest : { ...rest, truncateBefore: String(truncateBefore) };

const decodeMetadata = (encoded: EncodedMetadata | null): StreamMetadata => {
  if (!encoded) return {};
  const { truncateBefore, ...rest } = encoded;
  return truncateBefore === undefined ? rest : { ...rest, truncateBefore: BigInt(truncateBefore) };
};
