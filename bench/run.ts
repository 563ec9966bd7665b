import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPgliteEventStore, createPostgresEventStore } from '../src/eventstore/sql/index.js';
import { benchEventStore, type EventStoreFigures } from './eventstore.js';
import { fmt, machineDescription, scratchDatabase } from './support.js';

/**
 * `npm run bench`: every figure from one run on this machine, printed as one table and written to
 * bench/RESULTS.md. BENCH_DURATION_MS and BENCH_CATCH_UP_EVENTS shorten it for a smoke run.
 */
const log = (line: string) => process.stderr.write(`${line}\n`);

async function onPglite(): Promise<EventStoreFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sb-bench-'));
  log('PGlite (on disk)');
  const store = await createPgliteEventStore({ dataDir: path.join(dir, 'eventstore') });
  try {
    return await benchEventStore(store, log);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function onPostgres(): Promise<EventStoreFigures> {
  log('PostgreSQL');
  const database = await scratchDatabase();
  const store = await createPostgresEventStore(database.url, { poolSize: 16 });
  try {
    return await benchEventStore(store, log);
  } finally {
    await store.close();
    await database.drop();
  }
}

function table(results: Record<string, EventStoreFigures>): string {
  const columns = Object.keys(results);
  const row = (label: string, aim: string, pick: (f: EventStoreFigures) => number) =>
    `| ${label} | ${columns.map((c) => fmt(pick(results[c]!))).join(' | ')} | ${aim} |`;
  return [
    `| event store | ${columns.join(' | ')} | aim (PostgreSQL) |`,
    `|---|${columns.map(() => '---:').join('|')}|---|`,
    row('appends/s, 1 writer', '', (f) => f.appends1),
    row('appends/s, 8 writers', '', (f) => f.appends8),
    row('appends/s, 64 writers', '≥ 5,000', (f) => f.appends64),
    row('events/s, batched appends (100 per call)', '', (f) => f.batched),
    row('events/s, catch-up read', '≥ 50,000', (f) => f.catchUp),
  ].join('\n');
}

const results = { PGlite: await onPglite(), PostgreSQL: await onPostgres() };
const report = [
  '# Benchmark results',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\` (one run, figures below are from it).`,
  '',
  '## Machine',
  await machineDescription(),
  '',
  '## Event store',
  table(results),
  '',
].join('\n');
process.stdout.write(`${report}\n`);
await writeFile(new URL('./RESULTS.md', import.meta.url), report);
