import { randomUUID } from 'node:crypto';
import type { Checkpoint } from '../connectors/sdk/sync.js';
import { eventCatalog } from '../events/catalog.js';
import type { CallerMetadata } from '../events/define.js';
import { sealRecords } from '../events/sealed-records.js';
import {
  type RecordChange,
  type RecordContent,
  RecordsBatchRecorded,
  syncRunStream,
} from '../events/sync.js';
import { appendBatches, eventBytes, MAX_APPEND_BYTES } from '../eventstore/append-size.js';
import type { Event } from '../eventstore/envelope.js';
import { AppendTooLargeError } from '../eventstore/errors.js';
import type { ExpectedRevision } from '../eventstore/port.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

/** At most this many records, and this much JSON before compression, in one event; sealed, each event is then fitted under the append limit. */
const MAX_RECORDS_PER_EVENT = 500;
const MAX_JSON_BYTES_PER_EVENT = 2 * 1024 * 1024;

export interface PageChanges {
  records: Array<RecordChange & RecordContent>;
  deletes: string[];
  unchanged: number;
  checkpoint: Checkpoint | null;
}

/**
 * A run's own stream: where its pages go, appended at the expected revision so a worker that lost
 * its lease (and whose run someone else resumed) fails its next append instead of writing twice.
 */
export class RunStream {
  readonly stream: string;
  #expected: ExpectedRevision;
  lastPosition: bigint | null = null;

  private constructor(
    private readonly deps: Pick<SyncDeps, 'eventStore' | 'vault'>,
    private readonly target: SyncTarget & { runId: string; model: string; source: 'sync' | 'drift_repair' },
    private readonly metadata: CallerMetadata,
    expected: ExpectedRevision,
  ) {
    this.stream = syncRunStream(target.tenantId, target.connectionId, target.resource, target.runId);
    this.#expected = expected;
  }

  /** Opens the run's stream where it stands: its revision and the checkpoint of its last page. */
  static async open(
    deps: Pick<SyncDeps, 'eventStore' | 'vault'>,
    target: SyncTarget & { runId: string; model: string; source: 'sync' | 'drift_repair' },
    metadata: CallerMetadata,
  ): Promise<{ stream: RunStream; lastCheckpoint: Checkpoint | null; pages: number }> {
    const name = syncRunStream(target.tenantId, target.connectionId, target.resource, target.runId);
    let expected: ExpectedRevision = 'no_stream';
    let lastCheckpoint: Checkpoint | null = null;
    let pages = 0;
    for await (const event of deps.eventStore.readStream(name)) {
      expected = event.revision;
      pages++;
      const checkpoint = (event.data as { checkpoint?: Checkpoint | null }).checkpoint;
      if (checkpoint) lastCheckpoint = checkpoint;
    }
    return { stream: new RunStream(deps, target, metadata, expected), lastCheckpoint, pages };
  }

  /**
   * Appends one page: its changed records and deletes with its checkpoint. A page too large for one
   * event is split into parts, and parts too large for one append (KurrentDB 24.x and 25.0 refuse
   * appends over 1 MiB) go in several appends, in order; the checkpoint rides on the very last part,
   * so a run that stops between two appends resumes from the page before and records it again.
   */
  async append(page: PageChanges): Promise<void> {
    const parts = split(page.records);
    const events = (
      await Promise.all(
        parts.map((records, index) => this.#fitted(records, page, index === parts.length - 1)),
      )
    ).flat();
    for (const batch of appendBatches(events)) {
      const result = await this.deps.eventStore.append(this.stream, batch, this.#expected);
      this.#expected = result.revision;
      this.lastPosition = result.position;
    }
  }

  /** The part as one event, or as several when its sealed content would not fit an append alone. */
  async #fitted(records: PageChanges['records'], page: PageChanges, last: boolean): Promise<Event[]> {
    const event = await this.#event(records, page, last);
    if (eventBytes(event) <= MAX_APPEND_BYTES) return [event];
    // One record alone too large for any append: nothing to split, the run fails with that reason.
    if (records.length === 1) throw new AppendTooLargeError(this.stream, MAX_APPEND_BYTES);
    const half = Math.ceil(records.length / 2);
    return [
      ...(await this.#fitted(records.slice(0, half), page, false)),
      ...(await this.#fitted(records.slice(half), page, last)),
    ];
  }

  async #event(records: PageChanges['records'], page: PageChanges, last: boolean): Promise<Event> {
    const id = randomUUID();
    const content = await sealRecords(
      this.deps.vault,
      this.target.tenantId,
      { connectionId: this.target.connectionId, eventId: id },
      records.map(({ data, raw }) => ({ data, raw })),
    );
    const data = {
      connectionId: this.target.connectionId,
      resource: this.target.resource,
      runId: this.target.runId,
      source: this.target.source,
      model: this.target.model,
      records: records.map(({ id: recordId, op, hash }) => ({ id: recordId, op, hash })),
      content,
      deletes: last ? page.deletes : [],
      unchanged: last ? page.unchanged : 0,
      checkpoint: last ? page.checkpoint : null,
    };
    return eventCatalog.create(RecordsBatchRecorded, data, this.metadata, id);
  }
}

function split<T extends RecordContent>(records: readonly T[]): T[][] {
  const parts: T[][] = [[]];
  let bytes = 0;
  for (const record of records) {
    const size = JSON.stringify(record.data).length + JSON.stringify(record.raw ?? null).length;
    const current = parts[parts.length - 1] as T[];
    if (
      current.length > 0 &&
      (current.length >= MAX_RECORDS_PER_EVENT || bytes + size > MAX_JSON_BYTES_PER_EVENT)
    ) {
      parts.push([record]);
      bytes = size;
    } else {
      current.push(record);
      bytes += size;
    }
  }
  return parts;
}
