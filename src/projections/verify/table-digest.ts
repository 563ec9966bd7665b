import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ProjectionTable, ProjectionTx } from '../projection.js';

export interface TableDigest {
  table: string;
  rows: number;
  /** sha256 hex over the canonical rows, in primary-key order. */
  digest: string;
  /** Canonical primary key → sha256 of the canonical row; what differing keys are found with. */
  rowHashes: Map<string, string>;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Canonical row text: `to_jsonb(row)` minus the volatile columns, printed by jsonb, whose output
 * has a fixed key order and number format on every PostgreSQL version (PGlite included), and keeps
 * bigint and numeric values exact. Keys are `jsonb_build_array(primary key columns)`. Rows are
 * sorted here, by code point, so the order does not depend on either database's collation.
 */
export async function digestTable(
  db: PrismaClient | ProjectionTx,
  table: ProjectionTable,
): Promise<TableDigest> {
  const keyColumns = await primaryKeyColumns(db, table.name);
  const key =
    keyColumns.length > 0
      ? `jsonb_build_array(${keyColumns.map((c) => `t.${quoteIdent(c)}`).join(', ')})::text`
      : null;
  const volatile = table.volatileColumns ?? [];
  const row =
    volatile.length > 0
      ? `(to_jsonb(t) - ARRAY[${volatile.map(quoteLiteral).join(', ')}]::text[])::text`
      : 'to_jsonb(t)::text';
  const rows = await db.$queryRawUnsafe<Array<{ key: string | null; row: string }>>(
    `SELECT ${key ?? 'NULL'} AS key, ${row} AS row FROM ${quoteIdent(table.name)} t`,
  );
  const canonical = rows.map((r) => ({ key: r.key ?? r.row, row: r.row }));
  canonical.sort((a, b) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : a.row < b.row ? -1 : a.row > b.row ? 1 : 0,
  );
  const digest = createHash('sha256');
  const rowHashes = new Map<string, string>();
  for (const { key: rowKey, row: text } of canonical) {
    digest.update(text).update('\n');
    rowHashes.set(rowKey, createHash('sha256').update(text).digest('hex'));
  }
  return { table: table.name, rows: canonical.length, digest: digest.digest('hex'), rowHashes };
}

async function primaryKeyColumns(db: PrismaClient | ProjectionTx, table: string): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<Array<{ name: string }>>(
    `SELECT a.attname AS name
       FROM pg_index i
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = to_regclass($1) AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    quoteIdent(table),
  );
  return rows.map((r) => r.name);
}
