import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { EventStore } from '../../src/eventstore/port.js';

/** A port free right now (the OAuth server's issuer must be known before the hub starts). */
/**
 * A port held by a placeholder server until `release()`, for a server that must be named (in
 * another server's configuration) long before it can listen: released just before its listen, the
 * port cannot be taken meanwhile by another test's ephemeral socket.
 */
export async function reservePort(): Promise<{ port: number; release(): Promise<void> }> {
  // Whoever connects early is cut at once, as close to "nothing listens" as a held port gets.
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** SWITCHBOARD_PROVIDERS_FILE as an operator writes it: `{"providers": [...]}` in a temp dir. */
export async function writeProvidersFile(
  providers: readonly unknown[],
): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sb-providers-'));
  const file = path.join(dir, 'providers.json');
  await writeFile(file, JSON.stringify({ providers }, null, 2));
  return { path: file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Every row of every table in the database and every event in the log, as one string. */
export async function dumpEverything(databaseUrl: string, store: EventStore): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const parts: string[] = [];
  try {
    const tables = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
    );
    for (const { schema, name } of tables.rows) {
      const rows = await client.query(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${name}" t`);
      parts.push(`## ${schema}.${name}`, ...rows.rows.map((row: { row: string }) => row.row));
    }
  } finally {
    await client.end();
  }
  for await (const event of store.readAll())
    parts.push(
      JSON.stringify({ ...event, revision: String(event.revision), position: String(event.position) }),
    );
  return parts.join('\n');
}
