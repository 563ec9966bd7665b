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
import type { ExpectedRevision } from '../eventstore/port.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

/** At most this many records, and this much JSON before compression, in one event (KurrentDB appends stop at 1 MiB by default). */
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
   * Appends one page: its changed records and deletes with its checkpoint, in one event, or split in
   * parts when too large (one append all the same, the checkpoint on the last part only).
   */
  async append(page: PageChanges): Promise<void> {
    const parts = split(page.records);
    const events = await Promise.all(
      parts.map(async (records, index) => {
        const last = index === parts.length - 1;
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
      }),
    );
    const result = await this.deps.eventStore.append(this.stream, events, this.#expected);
    this.#expected = result.revision;
    this.lastPosition = result.position;
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
