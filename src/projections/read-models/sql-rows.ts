import { Prisma } from '../../generated/prisma/client.js';
import type { ProjectionTx } from '../projection.js';
import { pgValue } from './pg-text.js';

export interface UpsertSpec<Row> {
  table: string;
  /** Primary-key columns (the ON CONFLICT target). */
  key: readonly string[];
  /** Column name → value, in the order they are written (strings are made storable, see pgText). */
  columns: Readonly<Record<string, (row: Row) => unknown>>;
}

/** Keeps each statement well under PostgreSQL's 65,535 bind parameters. */
const ROWS_PER_STATEMENT = 1000;

/**
 * `INSERT ... VALUES (...), (...) ON CONFLICT (key) DO UPDATE`: one statement for a batch's changed
 * rows. Prisma has no multi-row upsert; one `upsert` per row would be a round trip per row.
 * Table and column names come from code, never from input; values are bound parameters.
 */
export async function upsertRows<Row>(
  tx: ProjectionTx,
  spec: UpsertSpec<Row>,
  rows: readonly Row[],
): Promise<void> {
  const names = Object.keys(spec.columns);
  const getters = Object.values(spec.columns);
  const quoted = (name: string) => Prisma.raw(`"${name}"`);
  const updates = names
    .filter((name) => !spec.key.includes(name))
    .map((name) => Prisma.raw(`"${name}" = EXCLUDED."${name}"`));
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const values = chunk.map((row) => Prisma.sql`(${Prisma.join(getters.map((get) => pgValue(get(row))))})`);
    await tx.$executeRaw`INSERT INTO ${quoted(spec.table)} (${Prisma.join(names.map(quoted))})
      VALUES ${Prisma.join(values)}
      ON CONFLICT (${Prisma.join(spec.key.map(quoted))}) DO UPDATE SET ${Prisma.join(updates)}`;
  }
}
