import type { PrismaClient } from '../../generated/prisma/client.js';
import { CheckpointMovedError } from '../errors.js';
import type { Projection, ProjectionTx } from '../projection.js';

/** Creates the projection's checkpoint row at 0 if it has none, and returns its position. */
export async function ensureCheckpoint(prisma: PrismaClient, name: string): Promise<bigint> {
  const row = await prisma.projectionCheckpoint.upsert({
    where: { name },
    create: { name, position: 0n },
    update: {},
  });
  return row.position;
}

export async function readCheckpoints(prisma: PrismaClient | ProjectionTx): Promise<Map<string, bigint>> {
  const rows = await prisma.projectionCheckpoint.findMany();
  return new Map(rows.map((row) => [row.name, row.position]));
}

/**
 * Compare-and-set, first statement of every projection transaction: it takes the checkpoint row's
 * lock, so the row is the projection's mutex. A runner that lost its lease, or a rebuild that ran
 * meanwhile, makes this fail before any read-model write, and the whole transaction rolls back.
 */
export async function advanceCheckpoint(
  tx: ProjectionTx,
  name: string,
  from: bigint,
  to: bigint,
): Promise<void> {
  // Raw: it runs in every projection transaction, and Prisma's per-call query work cost more than
  // the statement. updated_at in UTC, as Prisma's @updatedAt writes it.
  const count = await tx.$executeRawUnsafe(
    `UPDATE "projection_checkpoints" SET "position" = $1::bigint, "updated_at" = (now() AT TIME ZONE 'UTC')
      WHERE "name" = $2 AND "position" = $3::bigint`,
    String(to),
    name,
    String(from),
  );
  if (count !== 1) throw new CheckpointMovedError(name, from);
}

/** Empties the projection's tables and puts its checkpoint back to 0, in one transaction. */
export async function resetProjection(prisma: PrismaClient, projection: Projection): Promise<void> {
  await prisma.$transaction(async (tx) => {
    // The checkpoint first: waits for an in-flight batch to commit, and blocks the next one.
    await tx.projectionCheckpoint.upsert({
      where: { name: projection.name },
      create: { name: projection.name, position: 0n },
      update: { position: 0n },
    });
    for (const table of projection.tables) await tx.$executeRawUnsafe(`DELETE FROM "${table.name}"`);
  });
}
