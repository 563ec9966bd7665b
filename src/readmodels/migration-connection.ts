import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * The little the migrator needs from a database, over pg or PGlite. Kept apart from Prisma because
 * migrations run before any PrismaClient exists and need multi-statement scripts.
 */
export interface MigrationConnection {
  readonly kind: 'postgres' | 'pglite';
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs a whole migration.sql as one simple-protocol query, as Prisma does: PostgreSQL runs a
   * multi-statement query string in one implicit transaction, so a failing script leaves nothing behind
   * (unless it manages transactions itself).
   */
  runScript(sql: string): Promise<void>;
}

export function pgMigrationConnection(client: pg.ClientBase): MigrationConnection {
  return {
    kind: 'postgres',
    query: async <Row>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(sql, [...params])).rows as Row[],
    runScript: async (sql) => {
      await client.query(sql);
    },
  };
}

export function pgliteMigrationConnection(db: PGlite): MigrationConnection {
  return {
    kind: 'pglite',
    query: async <Row>(sql: string, params: readonly unknown[] = []) =>
      (await db.query<Row>(sql, [...params])).rows,
    runScript: async (sql) => {
      await db.exec(sql);
    },
  };
}
