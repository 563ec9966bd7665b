import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPgliteEventStore, createPostgresEventStore } from '../src/eventstore/sql/index.js';
import { openReadModels } from '../src/readmodels/database.js';
import { auditTable, benchAudit } from './audit.js';
import { benchCheckout, checkoutTable } from './checkout.js';
import { benchEventStore, type EventStoreFigures } from './eventstore.js';
import { benchEventStorePeers, peersTable } from './eventstore-peers.js';
import { benchGraphQL, graphqlTable } from './graphql.js';
import { benchRebuild } from './projections.js';
import { benchProxy, proxyTable } from './proxy.js';
import { benchSealing, sealingTable } from './sealing.js';
import { fmt, machineDescription, scratchDatabase } from './support.js';
import { benchSync, syncTable } from './sync.js';
import { benchTracing, tracingTable } from './tracing.js';
import { benchTokenCheckout, vaultTable } from './vault.js';
import { benchWebhookPeers, webhookPeersTable } from './webhooks-peers.js';

/**
 * `npm run bench`: every figure from one run on this machine, printed as one table and written to
 * bench/RESULTS.md. BENCH_DURATION_MS and BENCH_CATCH_UP_EVENTS shorten it for a smoke run.
 * `npm run bench -- audit` runs one bench alone and prints its table, leaving RESULTS.md as it is.
 */
const log = (line: string) => process.stderr.write(`${line}\n`);

const alone: Record<string, () => Promise<string>> = {
  audit: async () => auditTable(await benchAudit(log)),
  eventstore: async () => peersTable(await benchEventStorePeers(log)),
  graphql: async () => graphqlTable(await benchGraphQL(log)),
  tracing: async () => tracingTable(await benchTracing(log)),
  webhooks: async () => webhookPeersTable(await benchWebhookPeers(log)),
};
const only = process.argv[2];
if (only !== undefined) {
  const run = alone[only];
  if (!run) {
    log(`unknown bench "${only}"; alone: ${Object.keys(alone).join(', ')}`);
    process.exit(2);
  }
  process.stdout.write(`${await run()}\n`);
  process.exit(0);
}

type Figures = EventStoreFigures & { rebuild: number };

const REBUILD_TENANTS = Number(process.env.BENCH_REBUILD_TENANTS ?? 50_000);

async function onPglite(): Promise<Figures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sb-bench-'));
  log('PGlite (on disk)');
  const store = await createPgliteEventStore({ dataDir: path.join(dir, 'eventstore') });
  const readModels = await openReadModels({ kind: 'pglite', dataDir: path.join(dir, 'readmodels') });
  try {
    const figures = await benchEventStore(store, log);
    const rebuild = await benchRebuild(store, readModels, REBUILD_TENANTS, log);
    return { ...figures, rebuild: rebuild.rate };
  } finally {
    await readModels.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function onPostgres(): Promise<Figures> {
  log('PostgreSQL');
  const database = await scratchDatabase();
  const store = await createPostgresEventStore(database.url, { poolSize: 16 });
  const readModels = await openReadModels({ kind: 'postgres', url: database.url });
  try {
    const figures = await benchEventStore(store, log);
    const rebuild = await benchRebuild(store, readModels, REBUILD_TENANTS, log);
    return { ...figures, rebuild: rebuild.rate };
  } finally {
    await readModels.close();
    await store.close();
    await database.drop();
  }
}

function table(results: Record<string, Figures>): string {
  const columns = Object.keys(results);
  const row = (label: string, aim: string, pick: (f: Figures) => number) =>
    `| ${label} | ${columns.map((c) => fmt(pick(results[c]!))).join(' | ')} | ${aim} |`;
  return [
    `| event store | ${columns.join(' | ')} | aim (PostgreSQL) |`,
    `|---|${columns.map(() => '---:').join('|')}|---|`,
    row('appends/s, 1 writer', '', (f) => f.appends1),
    row('appends/s, 8 writers', '', (f) => f.appends8),
    row('appends/s, 64 writers', '≥ 5,000', (f) => f.appends64),
    row('events/s, batched appends (100 per call)', '', (f) => f.batched),
    row('appends/s of 21 KB webhook payloads, 50 writers', '', (f) => f.payloads50),
    row('events/s, catch-up read', '≥ 50,000', (f) => f.catchUp),
    row('events/s, projection rebuild into Prisma (tenants)', '≥ 5,000', (f) => f.rebuild),
  ].join('\n');
}

const results = { PGlite: await onPglite(), PostgreSQL: await onPostgres() };
log('GraphQL over HTTP');
const graphqlFigures = await benchGraphQL(log);
log('Token vault');
const vaultFigures = await benchTokenCheckout({ log });
log('Token checkout (PostgreSQL)');
const checkoutFigures = await benchCheckout(log);
log('Sealing webhook content');
const sealingFigures = await benchSealing(log);
log('Webhook gateway beside a minimal durable receiver (PostgreSQL)');
const webhookFigures = await benchWebhookPeers(log);
log('Syncs (GitHub issues against the fake)');
const syncFigures = { PGlite: await benchSync('pglite', log), PostgreSQL: await benchSync('postgres', log) };
log('Proxy (/proxy against a 20 ms loopback provider)');
const proxyFigures = await benchProxy(log);
log('Audit seals (PostgreSQL)');
const auditFigures = await benchAudit(log);
log('Event store beside a plain INSERT table and Emmett (PostgreSQL)');
const peerFigures = await benchEventStorePeers(log);
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
  '## GraphQL API (PostgreSQL profile, production mode)',
  graphqlTable(graphqlFigures),
  '',
  '## Token vault (decrypt of a sealed token set)',
  vaultTable(vaultFigures),
  '',
  '## Token checkout through accessTokenFor (credentials read model → decrypt → freshness, PostgreSQL)',
  checkoutTable(checkoutFigures),
  '',
  "## Sealing a tenant's webhook content (per signal, so deleteTenant shreds it)",
  sealingTable(sealingFigures),
  '',
  '## Webhook gateway beside a minimal durable receiver (signed GitHub deliveries, PostgreSQL)',
  webhookPeersTable(webhookFigures),
  '',
  '## Syncs (GitHub issues through the sync engine, against the GitHub fake)',
  syncTable(syncFigures),
  '',
  '## Proxy (/proxy pass-through vs the same client calling the provider directly)',
  proxyTable(proxyFigures),
  '',
  '## Audit seals (sealing, verification over 1,000,000 events, appends with the sealer off and on; PostgreSQL)',
  auditTable(auditFigures),
  '',
  "## Event store beside a plain INSERT table and Emmett's PostgreSQL store",
  peersTable(peerFigures),
  '',
].join('\n');
process.stdout.write(`${report}\n`);
await writeFile(new URL('./RESULTS.md', import.meta.url), report);
