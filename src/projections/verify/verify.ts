import { type EventCatalog, eventCatalog } from '../../events/catalog.js';
import type { EventStore } from '../../eventstore/port.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { ReadModels } from '../../readmodels/database.js';
import { defaultLogger, type ReadModelLogger } from '../../readmodels/logger.js';
import type { Projection } from '../projection.js';
import { readCheckpoints } from '../runner/checkpoints.js';
import { replayProjection } from './replay.js';
import { createScratchReadModels, type ScratchReadModels } from './scratch-database.js';
import { digestTable, type TableDigest } from './table-digest.js';

export interface VerifyOptions {
  eventStore: EventStore;
  /** The read models to check. */
  live: ReadModels;
  projections: readonly Projection[];
  logger?: ReadModelLogger;
  catalog?: EventCatalog;
  batchSize?: number;
  /** Differing primary keys listed per table (default 10). */
  sampleSize?: number;
  /** Where to rebuild; default: a fresh database of the live kind (see createScratchReadModels). */
  scratch?: () => Promise<ScratchReadModels>;
}

export type RowDifference = 'missing_in_live' | 'unexpected_in_live' | 'different';

export interface TableComparison {
  table: string;
  projection: string;
  equal: boolean;
  live: { rows: number; digest: string };
  rebuilt: { rows: number; digest: string };
  /** Rows the log says exist but the live table lacks; rows it has that the log does not explain; rows that differ. */
  counts: Record<RowDifference, number>;
  /** Up to sampleSize canonical primary keys (JSON arrays) with what is wrong with them. */
  sample: Array<{ key: string; difference: RowDifference }>;
}

export interface VerifyResult {
  equal: boolean;
  scratchKind: ReadModels['kind'];
  /** The checkpoint each projection was compared at (the live one, which the rebuild stopped at). */
  positions: Record<string, bigint>;
  tables: TableComparison[];
  durationMs: number;
}

/**
 * Proof that the read models are exactly what the log says: rebuild every projection into a scratch
 * database and compare per-table digests with the live tables.
 *
 * The live side is read in one REPEATABLE READ transaction (checkpoints and tables from the same
 * snapshot), and the scratch side replays each projection up to exactly that projection's live
 * checkpoint, so a runner writing meanwhile does not cause false differences.
 *
 * What is compared: every table a projection declares, all columns except its declared volatile
 * ones (none today). Not compared: projection_checkpoints, which is the anchor of the comparison
 * rather than a read model (and whose updated_at is wall-clock time), and _prisma_migrations.
 */
export async function verifyReadModels(options: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  const logger = options.logger ?? defaultLogger('verify');
  const sampleSize = options.sampleSize ?? 10;
  const live = await snapshotLive(options.live, options.projections);

  const scratch = await (options.scratch ?? (() => createScratchReadModels(options.live, logger)))();
  try {
    for (const projection of options.projections) {
      await replayProjection({
        store: options.eventStore,
        prisma: scratch.readModels.prisma,
        projection,
        catalog: options.catalog ?? eventCatalog,
        until: live.positions.get(projection.name) ?? 0n,
        batchSize: options.batchSize ?? 500,
      });
    }
    const tables: TableComparison[] = [];
    for (const projection of options.projections) {
      for (const table of projection.tables) {
        const rebuilt = await digestTable(scratch.readModels.prisma, table);
        tables.push(compare(projection.name, live.digests.get(table.name)!, rebuilt, sampleSize));
      }
    }
    const result: VerifyResult = {
      equal: tables.every((t) => t.equal),
      scratchKind: scratch.readModels.kind,
      positions: Object.fromEntries(
        options.projections.map((p) => [p.name, live.positions.get(p.name) ?? 0n]),
      ),
      tables,
      durationMs: Date.now() - started,
    };
    logger.info({ equal: result.equal, ms: result.durationMs }, 'read models verified against the log');
    return result;
  } finally {
    await scratch.dispose();
  }
}

async function snapshotLive(live: ReadModels, projections: readonly Projection[]) {
  return live.prisma.$transaction(
    async (tx) => {
      const positions = await readCheckpoints(tx);
      const digests = new Map<string, TableDigest>();
      for (const table of projections.flatMap((p) => p.tables))
        digests.set(table.name, await digestTable(tx, table));
      return { positions, digests };
    },
    // PGlite ignores isolation levels, but it has one connection: nothing writes during the snapshot.
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 600_000, maxWait: 30_000 },
  );
}

function compare(
  projection: string,
  live: TableDigest,
  rebuilt: TableDigest,
  sampleSize: number,
): TableComparison {
  const counts: Record<RowDifference, number> = { missing_in_live: 0, unexpected_in_live: 0, different: 0 };
  const sample: TableComparison['sample'] = [];
  const note = (key: string, difference: RowDifference) => {
    counts[difference]++;
    if (sample.length < sampleSize) sample.push({ key, difference });
  };
  if (live.digest !== rebuilt.digest) {
    for (const [key, hash] of rebuilt.rowHashes) {
      const liveHash = live.rowHashes.get(key);
      if (liveHash === undefined) note(key, 'missing_in_live');
      else if (liveHash !== hash) note(key, 'different');
    }
    for (const key of live.rowHashes.keys()) if (!rebuilt.rowHashes.has(key)) note(key, 'unexpected_in_live');
  }
  return {
    table: live.table,
    projection,
    equal: live.digest === rebuilt.digest,
    live: { rows: live.rows, digest: live.digest },
    rebuilt: { rows: rebuilt.rows, digest: rebuilt.digest },
    counts,
    sample,
  };
}
