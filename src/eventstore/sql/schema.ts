import { APPEND_FUNCTION, APPEND_ONE_FUNCTION, APPEND_QUIET_FUNCTION } from './append-function.js';
import type { SqlExecutor } from './client.js';

/**
 * The event store's own tables. They are not Prisma read models: the log is the source of truth
 * and may live in another database than the read models, so the store creates what it needs,
 * idempotently, under an advisory lock (two processes may start at once).
 */
export const SCHEMA_LOCK_KEY = 0x5b_e5_00_01;
export const APPEND_LOCK_KEY = 0x5b_e5_00_02;
export const NOTIFY_CHANNEL = 'switchboard_events';

const ddl = `
CREATE TABLE IF NOT EXISTS sb_streams (
  stream         text PRIMARY KEY,
  -- last revision written; -1 while only metadata exists
  revision       bigint NOT NULL,
  tombstoned     boolean NOT NULL DEFAULT false,
  metadata       jsonb,
  meta_revision  bigint
);

CREATE TABLE IF NOT EXISTS sb_events (
  -- assigned under the append lock, so positions become visible in increasing order
  position     bigint PRIMARY KEY,
  id           uuid NOT NULL,
  stream       text NOT NULL,
  revision     bigint NOT NULL,
  type         text NOT NULL,
  -- json, not jsonb: the log is written and read whole, never queried inside, and jsonb's parse
  -- into its binary form cost about 0.3 ms of server CPU per 20 KB webhook payload
  data         json NOT NULL,
  metadata     json NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT sb_events_id_key UNIQUE (id),
  CONSTRAINT sb_events_stream_revision_key UNIQUE (stream, revision)
);
`;

export async function ensureSchema(db: {
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}) {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    // One statement per call: PGlite's query() speaks the extended protocol, which takes one.
    for (const statement of ddl.replace(/--[^\n]*/g, '').split(';')) {
      if (statement.trim()) await tx.query(statement);
    }
    await preferLz4(tx);
    await tx.query(APPEND_FUNCTION);
    await tx.query(APPEND_QUIET_FUNCTION);
    await tx.query(APPEND_ONE_FUNCTION);
  });
}

/**
 * Webhook payloads make events of tens of kilobytes, which PostgreSQL compresses out of line.
 * Its default, pglz, cost about 0.3 ms of server CPU per 20 KB event here; lz4 compresses about
 * three times faster to a smaller result. Servers built without lz4 (and PGlite) keep pglz.
 * Only new values are written with it; existing rows stay readable either way.
 */
async function preferLz4(tx: SqlExecutor): Promise<void> {
  const [row] = await tx.query<{ lz4: boolean; current: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) AS lz4,
            (SELECT attcompression::text FROM pg_attribute WHERE attrelid = 'sb_events'::regclass AND attname = 'data') AS current`,
  );
  if (!row?.lz4 || row.current === 'l') return;
  await tx.query('ALTER TABLE sb_events ALTER COLUMN data SET COMPRESSION lz4');
  await tx.query('ALTER TABLE sb_events ALTER COLUMN metadata SET COMPRESSION lz4');
}
