import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Runtime } from '../src/app/runtime.js';
import { systemCaller } from '../src/commands/deps.js';
import { githubManifest } from '../src/connectors/github/manifest.js';
import { githubIssuesSync } from '../src/connectors/github/sync.js';
import { type GithubApiFake, startGithubApiFake } from '../test/support/fakes/github-api.js';
import { runResourceSync } from '../test/support/run-resource-sync.js';
import { type SyncWorld, startSyncWorld } from '../test/support/sync-world.js';
import { fmt } from './support.js';

export interface SyncFigures {
  records: number;
  /** First sync, SyncStarted → records read model caught up. */
  firstSync: {
    seconds: number;
    rate: number;
    cpuMsPerRecord: number;
    events: number;
    recordEvents: number;
    requests: number;
  };
  /** Reference: the connector listing the fake with the same client, nothing stored. */
  listing: { seconds: number; rate: number; cpuMsPerRecord: number; requests: number };
  /** Reference: the same records as rows (id, hash, data, raw) in a bare table, 500 per INSERT. */
  insert: { seconds: number; rate: number; cpuMsPerRecord: number };
  /** A second run with nothing changed at the fake: startSync → drained. */
  resync: { ms: number; cpuMs: number; requests: number; recordEvents: number };
}

const RECORDS = Number(process.env.BENCH_SYNC_RECORDS ?? 50_000);
const REPOSITORY = 'octo-org/bench';
const INSERT_BATCH = 500;

const count = (n: number) => n.toLocaleString('en-US');

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/**
 * A 50,000-issue first sync of GitHub issues through the hub's own sync engine (scheduler, worker,
 * provider client, run stream, records projection) against the GitHub fake answering at once, on
 * one database profile; then an unchanged re-sync, which must append no record event. The fake,
 * the hub and (on PGlite) the database share this process, so Node CPU counts all three; the
 * references are measured in the same run for the ratios.
 */
export async function benchSync(
  profile: 'postgres' | 'pglite',
  log: (line: string) => void = () => {},
): Promise<SyncFigures> {
  const fake = await startGithubApiFake({ rateLimit: 1_000_000 });
  fake.addRepository(REPOSITORY);
  fake.seedIssues(REPOSITORY, RECORDS);
  const dataDir = profile === 'pglite' ? await mkdtemp(path.join(os.tmpdir(), 'sb-bench-sync-')) : undefined;
  let world: SyncWorld | undefined;
  try {
    log(`  ${profile}: starting the hub`);
    world = await startSyncWorld({ base: 'github', baseUrl: fake.origin, token: fake.token, dataDir });
    log(`  ${profile}: listing ${fmt(RECORDS)} issues from the fake, nothing stored (reference)`);
    const { listing, rows } = await listOnly(fake);
    log(`  ${profile}: first sync of ${fmt(RECORDS)} issues`);
    const firstSync = await firstSyncOf(world);
    log(`  ${profile}: unchanged re-sync`);
    const resync = await unchangedResync(world, fake);
    log(`  ${profile}: plain batched INSERT of the same rows (reference)`);
    const insert = await plainInsert(world.hub.runtime, rows);
    return { records: RECORDS, firstSync, listing, insert, resync };
  } finally {
    await world?.close();
    await fake.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

async function listOnly(fake: GithubApiFake) {
  const before = fake.calls.total;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await runResourceSync(githubIssuesSync, {
    manifest: githubManifest,
    baseUrl: fake.origin,
    token: fake.token,
    config: { repositories: [REPOSITORY] },
    full: true,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuMs(cpu);
  if (result.error) throw result.error;
  const records = result.pages.flatMap((page) => page.records);
  if (records.length !== RECORDS) throw new Error(`the listing gave ${records.length} of ${RECORDS} issues`);
  return {
    listing: {
      seconds,
      rate: RECORDS / seconds,
      cpuMsPerRecord: cpuUsed / RECORDS,
      requests: fake.calls.total - before,
    },
    rows: records.map((record) => ({ id: record.id, data: record.data, raw: record.raw })),
  };
}

async function firstSyncOf(world: SyncWorld): Promise<SyncFigures['firstSync']> {
  const { runtime } = world.hub;
  const caller = systemCaller('bench', randomUUID());
  const head = await runtime.eventStore.headPosition();
  const cpu = process.cpuUsage();
  await world.engine.configureSync(caller, world.tenantId, {
    connectionId: world.connectionId,
    resource: 'issues',
    config: { repositories: [REPOSITORY] },
    frequency: '1d',
  });
  // Configured and enabled: due at once; drain waits until the records read model caught up.
  await world.drain(world.engine, 30 * 60_000);
  const finished = Date.now();
  const cpuUsed = cpuMs(cpu);
  let events = 0;
  let recordEvents = 0;
  let startedAt: Date | null = null;
  for await (const event of runtime.eventStore.readAll({ after: head })) {
    events++;
    if (event.type === 'RecordsBatchRecorded') recordEvents++;
    if (event.type === 'SyncStarted') startedAt ??= event.recordedAt;
  }
  if (!startedAt) throw new Error('the first sync never started');
  const run = await runtime.readModels.prisma.syncRun.findFirstOrThrow({
    where: { tenantId: world.tenantId },
  });
  const stored = await runtime.readModels.prisma.syncRecord.count({
    where: { tenantId: world.tenantId, deletedAt: null },
  });
  if (run.status !== 'SUCCEEDED' || run.added !== RECORDS || stored !== RECORDS) {
    throw new Error(
      `first sync ended ${run.status} with ${run.added} added and ${stored} records stored (expected ${RECORDS})`,
    );
  }
  const seconds = (finished - startedAt.getTime()) / 1000;
  return {
    seconds,
    rate: RECORDS / seconds,
    cpuMsPerRecord: cpuUsed / RECORDS,
    events,
    recordEvents,
    requests: run.requests,
  };
}

async function unchangedResync(world: SyncWorld, fake: GithubApiFake): Promise<SyncFigures['resync']> {
  const { runtime } = world.hub;
  const recordEventsHead = () => runtime.eventStore.headPosition({ eventTypes: ['RecordsBatchRecorded'] });
  const before = await recordEventsHead();
  const head = await runtime.eventStore.headPosition();
  const calls = fake.calls.total;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { runId } = await world.engine.startSync(systemCaller('bench', randomUUID()), world.tenantId, {
    connectionId: world.connectionId,
    resource: 'issues',
  });
  await world.drain();
  const ms = performance.now() - started;
  const cpuUsed = cpuMs(cpu);
  let recordEvents = 0;
  for await (const _ of runtime.eventStore.readAll({
    after: head,
    filter: { eventTypes: ['RecordsBatchRecorded'] },
  }))
    recordEvents++;
  const run = await runtime.readModels.prisma.syncRun.findFirstOrThrow({
    where: { tenantId: world.tenantId, runId },
  });
  // The issue's promise: an unchanged re-sync appends no record event. Fail loudly, never report it.
  if (recordEvents !== 0 || (await recordEventsHead()) !== before || run.status !== 'SUCCEEDED') {
    throw new Error(
      `unchanged re-sync appended ${recordEvents} RecordsBatchRecorded event(s) (run ${run.status}, ${run.added} added, ${run.updated} updated)`,
    );
  }
  return { ms, cpuMs: cpuUsed, requests: fake.calls.total - calls, recordEvents };
}

/** What storing the rows costs without the hub: one multi-row INSERT per 500, through the same Prisma client. */
async function plainInsert(
  runtime: Runtime,
  rows: Array<{ id: string; data: unknown; raw: unknown }>,
): Promise<SyncFigures['insert']> {
  const prisma = runtime.readModels.prisma;
  await prisma.$executeRawUnsafe(
    'CREATE TABLE bench_plain_records (id text PRIMARY KEY, hash text NOT NULL, data jsonb NOT NULL, raw jsonb)',
  );
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    const batch = rows.slice(start, start + INSERT_BATCH);
    const values = batch.map(
      (_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}::jsonb, $${i * 4 + 4}::jsonb)`,
    );
    const parameters = batch.flatMap((row) => {
      const data = JSON.stringify(row.data);
      return [row.id, String(data.length), data, JSON.stringify(row.raw ?? null)];
    });
    await prisma.$executeRawUnsafe(
      `INSERT INTO bench_plain_records (id, hash, data, raw) VALUES ${values.join(', ')}`,
      ...parameters,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = cpuMs(cpu);
  await prisma.$executeRawUnsafe('DROP TABLE bench_plain_records');
  return { seconds, rate: rows.length / seconds, cpuMsPerRecord: cpuUsed / rows.length };
}

export function syncTable(results: Record<string, SyncFigures>): string {
  const columns = Object.keys(results);
  const row = (label: string, pick: (f: SyncFigures) => string, aim = '') =>
    `| ${label} | ${columns.map((c) => pick(results[c]!)).join(' | ')} | ${aim} |`;
  const records = Object.values(results)[0]?.records ?? RECORDS;
  return [
    `| GitHub issues, ${fmt(records)}-record first sync (fake answering at once) | ${columns.join(' | ')} | aim |`,
    `|---|${columns.map(() => '---:').join('|')}|---|`,
    row('reference: list every page with the same client, nothing stored (records/s)', (f) =>
      fmt(f.listing.rate),
    ),
    row('reference: plain INSERT of the same rows, 500 per statement (records/s)', (f) => fmt(f.insert.rate)),
    row(
      'Switchboard first sync, SyncStarted → records read model caught up (records/s)',
      (f) => fmt(f.firstSync.rate),
      '≥ 5,000 PostgreSQL, ≥ 2,000 PGlite',
    ),
    row('× listing alone', (f) => (f.firstSync.rate / f.listing.rate).toFixed(2)),
    row('× plain INSERT', (f) => (f.firstSync.rate / f.insert.rate).toFixed(2)),
    row(
      'Node CPU ms per record: listing / plain INSERT / first sync',
      (f) =>
        `${f.listing.cpuMsPerRecord.toFixed(3)} / ${f.insert.cpuMsPerRecord.toFixed(3)} / ${f.firstSync.cpuMsPerRecord.toFixed(3)}`,
    ),
    row(
      'events appended by the first sync (of them RecordsBatchRecorded)',
      (f) => `${count(f.firstSync.events)} (${count(f.firstSync.recordEvents)})`,
    ),
    row(
      'requests: reference listing / first sync',
      (f) => `${count(f.listing.requests)} / ${count(f.firstSync.requests)}`,
    ),
    row(
      'unchanged re-sync: ms (startSync → drained), Node CPU ms',
      (f) => `${fmt(f.resync.ms)}, ${fmt(f.resync.cpuMs)}`,
    ),
    row(
      'unchanged re-sync: requests, RecordsBatchRecorded appended',
      (f) => `${f.resync.requests}, ${f.resync.recordEvents}`,
      '0 record events',
    ),
  ].join('\n');
}

// `npx tsx bench/sync.ts` runs it alone (BENCH_SYNC_RECORDS for a smaller smoke run).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const results = { PGlite: await benchSync('pglite', log), PostgreSQL: await benchSync('postgres', log) };
  process.stdout.write(`${syncTable(results)}\n`);
}
