import type { PrismaClient } from '../../generated/prisma/client.js';

export interface DeadLetterBacklogRow {
  kind: 'webhook' | 'sync';
  count: number;
  /** 0 when there is none. */
  oldestAgeSeconds: number;
}

interface Aggregate {
  count: number;
  age: number | null;
}

/**
 * Every tenant's dead letters waiting for an operator, for /metrics: one aggregate per kind, each
 * an index-only scan (webhook_dead_letters(received_at); sync_dead_letters(approved_at, created_at),
 * whose unapproved rows sit together at the NULL end). The age is taken in the database, whose
 * timestamps are UTC without a zone, as Prisma writes them.
 */
export async function deadLetterBacklog(prisma: PrismaClient): Promise<DeadLetterBacklogRow[]> {
  const [webhook, sync] = await Promise.all([
    prisma.$queryRaw<Aggregate[]>`
      SELECT count(*)::int AS count,
             EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - min(received_at))::float8 AS age
        FROM webhook_dead_letters`,
    prisma.$queryRaw<Aggregate[]>`
      SELECT count(*)::int AS count,
             EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - min(created_at))::float8 AS age
        FROM sync_dead_letters WHERE approved_at IS NULL`,
  ]);
  const row = (kind: DeadLetterBacklogRow['kind'], [aggregate]: Aggregate[]): DeadLetterBacklogRow => ({
    kind,
    count: Number(aggregate?.count ?? 0),
    oldestAgeSeconds: Math.max(0, Number(aggregate?.age ?? 0)),
  });
  return [row('webhook', webhook), row('sync', sync)];
}
