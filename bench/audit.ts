import { pathToFileURL } from 'node:url';
import {
  eventLeafBytes,
  type IndexedLeaf,
  MerkleTree,
  PrismaLeafIndex,
  SealLog,
  verifyAuditLog,
} from '../src/audit/index.js';
import { leafHash } from '../src/audit/merkle.js';
import { sealStatementBytes } from '../src/audit/seal-statement.js';
import type { RecordedEvent } from '../src/eventstore/envelope.js';
import type { EventStore } from '../src/eventstore/port.js';
import { createPostgresEventStore } from '../src/eventstore/sql/index.js';
import { createLogger } from '../src/platform/logger.js';
import { openReadModels, type ReadModels } from '../src/readmodels/database.js';
import {
  benchSealer,
  benchSigningKey,
  count_,
  type EventMix,
  eventMix,
  fillLog,
  lastSealable,
  sealedThrough,
} from './audit-workload.js';
import { startCpuMeter } from './cpu-meter.js';
import { fmt, median, scratchDatabase, throughput } from './support.js';

/**
 * Issue 14, item 6: what audit seals cost on PostgreSQL. (a) the sealer catching up over a log of
 * small events and real GitHub webhook payloads, against reading the same log, with the leaf
 * hashing and the per-seal work (Merkle root, signature, leaf index) measured apart; (b)
 * verification over 1,000,000 events; (c) single-event appends by concurrent writers with the
 * sealer off and on, in interleaved rounds. Node CPU only: PostgreSQL's own CPU is not counted.
 */
const CATCH_UP_EVENTS = Number(process.env.BENCH_AUDIT_CATCH_UP_EVENTS ?? 100_000);
const VERIFY_EVENTS = Number(process.env.BENCH_AUDIT_VERIFY_EVENTS ?? 1_000_000);
const WRITERS = Number(process.env.BENCH_AUDIT_WRITERS ?? 50);
const ROUND_MS = Number(process.env.BENCH_AUDIT_ROUND_MS ?? 4_000);
const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 10);
/** Which parts run: any of catchup, verify, appends (comma-separated). */
const PARTS = new Set((process.env.BENCH_AUDIT_PARTS ?? 'catchup,verify,appends').split(','));
/** The hub's defaults: SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS and _SECONDS. */
const SEAL_EVERY_EVENTS = 10_000;
const SEAL_EVERY_MS = 60_000;
const HASH_SAMPLE = 10_000;

type Log = (line: string) => void;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

export interface LeafCosts {
  /** Events read back from the log for these measures. */
  sample: number;
  /** Node CPU µs per event, by kind of event in the sample. */
  perEvent: Record<
    'small' | 'webhook' | 'mix',
    { stringifyUs: number; canonicalUs: number; sha256Us: number }
  >;
  /** Per seal of 10,000 leaves: Merkle root plus Ed25519 signature, Node CPU ms. */
  rootAndSignMs: number;
  /** Per seal of 10,000 leaves: the audit_leaves INSERT, wall ms and Node CPU ms. */
  leafIndexMs: number;
  leafIndexCpuMs: number;
}

export interface CatchUpFigures {
  events: number;
  averageBytes: number;
  webhookEvery: number;
  fillSeconds: number;
  leaf: LeafCosts;
  /** Reference: subscribeAll from the start until caught up, nothing else. */
  read: { rate: number; cpuMsPer1000: number };
  seal: { rate: number; seconds: number; cpuMsPer1000: number; seals: number };
}

export interface VerifyFigures {
  events: number;
  averageBytes: number;
  webhookEvery: number;
  tableBytes: number;
  fill: { seconds: number; rate: number };
  seal: { seconds: number; rate: number; cpuMsPer1000: number; seals: number };
  /** Reference: readAll over the whole log, nothing else. */
  read: { seconds: number; rate: number; cpuMsPer1000: number };
  verify: { seconds: number; rate: number; cpuMsPer1000: number; sealsChecked: number };
}

export type AppendMode = 'off' | 'every 10,000' | 'every 1,000';

export interface AppendRound {
  round: number;
  mode: AppendMode;
  rate: number;
  cpuMsPer1000: number;
  /** CPU of the PostgreSQL backends serving the bench's database, per 1,000 appends. */
  postgresMsPer1000: number;
  /** Share of the machine's CPU that other processes used during the window. */
  othersShare: number;
  /** Seals appended during the window. */
  seals: number;
  /** After the window: ms until the chain covered the last append (with one flush). */
  lagMs: number;
}

export interface AppendFigures {
  writers: number;
  roundMs: number;
  averageBytes: number;
  webhookEvery: number;
  rounds: AppendRound[];
}

export interface AuditFigures {
  catchUp?: CatchUpFigures;
  verify?: VerifyFigures;
  appends?: AppendFigures;
}

async function withDatabase<T>(work: (store: EventStore, readModels: ReadModels) => Promise<T>): Promise<T> {
  const database = await scratchDatabase();
  const store = await createPostgresEventStore(database.url, { poolSize: 16 });
  const readModels = await openReadModels({
    kind: 'postgres',
    url: database.url,
    logger: createLogger({ level: 'silent' }),
  });
  try {
    return await work(store, readModels);
  } finally {
    await readModels.close();
    await store.close();
    await database.drop();
  }
}

/** CPU µs per call of `run` over every item, after one pass of warm-up. */
function microseconds<T>(items: readonly T[], run: (item: T) => unknown): number {
  for (const item of items) run(item);
  const passes = 3;
  const started = process.cpuUsage();
  for (let pass = 0; pass < passes; pass++) for (const item of items) run(item);
  return (cpuMs(started) * 1000) / (items.length * passes);
}

/** The sealer's work taken apart, on events read back from the log (as the sealer gets them). */
async function leafCosts(store: EventStore, readModels: ReadModels): Promise<LeafCosts> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ maxCount: HASH_SAMPLE })) events.push(event);
  const kinds = {
    small: events.filter((event) => event.type !== 'WebhookReceived'),
    webhook: events.filter((event) => event.type === 'WebhookReceived'),
    mix: events,
  };
  const perEvent = {} as LeafCosts['perEvent'];
  for (const [kind, list] of Object.entries(kinds) as Array<[keyof typeof kinds, RecordedEvent[]]>) {
    const bytes = list.map(eventLeafBytes);
    perEvent[kind] = {
      // What an append already does with the same event: the reference.
      stringifyUs: microseconds(list, (event) => JSON.stringify(event.data) + JSON.stringify(event.metadata)),
      canonicalUs: microseconds(list, eventLeafBytes),
      sha256Us: microseconds(bytes, leafHash),
    };
  }

  const hashes = events.map((event) => leafHash(eventLeafBytes(event)));
  const key = benchSigningKey();
  const seals = 20;
  let started = process.cpuUsage();
  for (let i = 0; i < seals; i++) {
    const root = new MerkleTree(hashes).root().toString('hex');
    key.sign(
      sealStatementBytes({
        fromPosition: '1',
        toPosition: String(hashes.length),
        count: hashes.length,
        root,
        previousRoot: null,
        leafFormat: 'switchboard-event-v1',
        keyId: key.keyId,
      }),
    );
  }
  const rootAndSignMs = cpuMs(started) / seals;

  // Far above any real position, and removed afterwards.
  const leafIndex = new PrismaLeafIndex(readModels.prisma);
  const saves = 5;
  let wall = 0;
  started = process.cpuUsage();
  for (let i = 0; i < saves; i++) {
    const base = 1_000_000_000_000n + BigInt(i * hashes.length);
    const leaves: IndexedLeaf[] = hashes.map((hash, index) => ({ position: base + BigInt(index), hash }));
    const at = performance.now();
    await leafIndex.save(leaves);
    wall += performance.now() - at;
  }
  const leafIndexCpuMs = cpuMs(started) / saves;
  await readModels.prisma.$executeRawUnsafe('DELETE FROM audit_leaves WHERE position >= 1000000000000');
  return { sample: events.length, perEvent, rootAndSignMs, leafIndexMs: wall / saves, leafIndexCpuMs };
}

async function catchUpRead(store: EventStore): Promise<{ rate: number; cpuMsPer1000: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let events = 0;
  const subscription = store.subscribeAll();
  for await (const message of subscription) {
    if (message.kind === 'event') events++;
    if (message.kind === 'caught_up') break;
  }
  await subscription.close();
  return {
    rate: events / ((performance.now() - started) / 1000),
    cpuMsPer1000: (cpuMs(cpu) * 1000) / events,
  };
}

/** Seals the whole log from nothing at the hub's default range size; returns time, CPU and seals. */
async function sealCatchUp(store: EventStore, readModels: ReadModels, events: number, log: Log) {
  const head = await lastSealable(store);
  const sealer = benchSealer(store, new PrismaLeafIndex(readModels.prisma), {
    everyEvents: SEAL_EVERY_EVENTS,
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  sealer.start();
  try {
    await sealedThrough(store, sealer, head, SEAL_EVERY_EVENTS, log);
  } finally {
    await sealer.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const last = await new SealLog(store).last();
  return {
    seconds,
    rate: events / seconds,
    cpuMsPer1000: (cpuMs(cpu) * 1000) / events,
    seals: Number(last!.revision) + 1,
  };
}

/**
 * (a) on a freshly filled log, then (c) on the same log: by then it holds 100,000 events, is sealed
 * and analyzed, as a hub's log would be. On a fresh, unanalyzed table the append function's generic
 * plans (append-function.ts) scan sb_events, and appends swing between about 100 and 5,000 per
 * second whatever the sealer does.
 */
async function benchAuditLog(log: Log, parts: { catchUp: boolean; appends: boolean }): Promise<AuditFigures> {
  return withDatabase(async (store, readModels) => {
    const mix = eventMix(5);
    log(`  (a) filling ${count_(CATCH_UP_EVENTS)} events (1 in ${mix.webhookEvery} a GitHub payload)`);
    const fillSeconds = await fillLog(store, CATCH_UP_EVENTS, mix, log);
    const figures: AuditFigures = {};
    if (parts.catchUp) {
      log('  (a) leaf hashing, Merkle root + signature, leaf index insert, measured apart');
      const leaf = await leafCosts(store, readModels);
      log('  (a) reference: catch-up read of the same log');
      const read = await catchUpRead(store);
      log(`  (a) sealer catching up (a seal every ${count_(SEAL_EVERY_EVENTS)} events)`);
      const seal = await sealCatchUp(store, readModels, CATCH_UP_EVENTS, log);
      figures.catchUp = { events: CATCH_UP_EVENTS, ...mixOf(mix), fillSeconds, leaf, read, seal };
    }
    if (parts.appends) {
      await readModels.prisma.$executeRawUnsafe('ANALYZE sb_events, sb_streams, audit_leaves');
      figures.appends = await appendsOn(store, readModels, mix, log);
    }
    return figures;
  });
}

const mixOf = (mix: EventMix) => ({ averageBytes: mix.averageBytes, webhookEvery: mix.webhookEvery });

export async function benchAuditVerify(log: Log): Promise<VerifyFigures> {
  return withDatabase(async (store, readModels) => {
    const mix = eventMix(50);
    log(`  (b) filling ${count_(VERIFY_EVENTS)} events (1 in ${mix.webhookEvery} a GitHub payload)`);
    const fillSeconds = await fillLog(store, VERIFY_EVENTS, mix, log);
    const [size] = await readModels.prisma.$queryRawUnsafe<Array<{ bytes: bigint }>>(
      "SELECT pg_total_relation_size('sb_events') AS bytes",
    );
    log(`  (b) sealing ${count_(VERIFY_EVENTS)} events (catch-up)`);
    const seal = await sealCatchUp(store, readModels, VERIFY_EVENTS, log);

    log('  (b) reference: readAll over the whole log');
    let cpu = process.cpuUsage();
    let started = performance.now();
    let events = 0;
    for await (const _ of store.readAll()) events++;
    const readSeconds = (performance.now() - started) / 1000;
    const read = {
      seconds: readSeconds,
      rate: events / readSeconds,
      cpuMsPer1000: (cpuMs(cpu) * 1000) / events,
    };

    log('  (b) verifyAuditLog over the whole log');
    cpu = process.cpuUsage();
    started = performance.now();
    let reported = 0;
    const report = await verifyAuditLog({
      store,
      leafIndex: new PrismaLeafIndex(readModels.prisma),
      onProgress: ({ eventsChecked }) => {
        if (eventsChecked - reported < 100_000) return;
        reported = eventsChecked;
        log(`    verified ${count_(eventsChecked)} events`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    // A bench that verifies a broken log, or too little of it, reports nothing.
    if (!report.ok || report.eventsChecked < VERIFY_EVENTS) {
      throw new Error(`verification failed or fell short: ${JSON.stringify(report).slice(0, 500)}`);
    }
    return {
      events: report.eventsChecked,
      ...mixOf(mix),
      tableBytes: Number(size!.bytes),
      fill: { seconds: fillSeconds, rate: VERIFY_EVENTS / fillSeconds },
      seal,
      read,
      verify: {
        seconds,
        rate: report.eventsChecked / seconds,
        cpuMsPer1000: (cpuMs(cpu) * 1000) / report.eventsChecked,
        sealsChecked: report.sealsChecked,
      },
    };
  });
}

async function backendPids(readModels: ReadModels): Promise<number[]> {
  const rows = await readModels.prisma.$queryRawUnsafe<Array<{ pid: number }>>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  return rows.map((row) => Number(row.pid));
}

/**
 * One window of single-event appends by WRITERS concurrent writers (each its own stream, like
 * webhook ingestion over many connections). With a sealer, it has caught up with the log before the
 * window opens (the off rounds' events are not its work in this window), and the time it needs
 * afterwards to cover the window's last append says whether it kept up.
 */
async function appendRound(
  store: EventStore,
  readModels: ReadModels,
  mix: EventMix,
  mode: AppendMode,
  round: number,
): Promise<AppendRound> {
  const everyEvents = mode === 'every 1,000' ? 1_000 : SEAL_EVERY_EVENTS;
  const seals = new SealLog(store);
  const sealer =
    mode === 'off'
      ? null
      : benchSealer(store, new PrismaLeafIndex(readModels.prisma), { everyEvents, everyMs: SEAL_EVERY_MS });
  try {
    if (sealer) {
      sealer.start();
      await sealedThrough(store, sealer, await lastSealable(store), everyEvents);
    }
    const sealsBefore = (await seals.last())?.revision ?? -1n;
    const meter = await startCpuMeter(() => backendPids(readModels));
    let appended = 0;
    const rate = await throughput(WRITERS, ROUND_MS, async (worker) => {
      await store.append(`webhooks-bench.r${round}w${worker}`, [mix.next()], 'any');
      appended++;
      return 1;
    });
    const cpu = await meter();
    const sealsDuring = Number(((await seals.last())?.revision ?? -1n) - sealsBefore);
    let lagMs = 0;
    if (sealer) {
      const last = await lastSealable(store);
      const started = performance.now();
      await sealedThrough(store, sealer, last, Number.MAX_SAFE_INTEGER);
      lagMs = performance.now() - started;
    }
    return {
      round,
      mode,
      rate,
      cpuMsPer1000: (cpu.nodeMs * 1000) / appended,
      postgresMsPer1000: (cpu.postgresMs * 1000) / appended,
      othersShare: cpu.othersMs / cpu.availableMs,
      seals: sealsDuring,
      lagMs,
    };
  } finally {
    await sealer?.close();
  }
}

async function appendsOn(
  store: EventStore,
  readModels: ReadModels,
  mix: EventMix,
  log: Log,
): Promise<AppendFigures> {
  const modes: AppendMode[] = ['off', 'every 10,000', 'every 1,000'];
  log(`  (c) warm-up: ${WRITERS} writers, 2 s`);
  await throughput(WRITERS, 2_000, async (worker) => {
    await store.append(`webhooks-bench.warm${worker}`, [mix.next()], 'any');
    return 1;
  });
  const rounds: AppendRound[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Rotated each round, so no mode always follows the same one.
    const order = modes.map((_, i) => modes[(i + round - 1) % modes.length]!);
    for (const mode of order) {
      const result = await appendRound(store, readModels, mix, mode, round);
      rounds.push(result);
      log(
        `  (c) round ${round}, sealer ${mode}: ${fmt(result.rate)} appends/s, CPU per 1,000: Node ${result.cpuMsPer1000.toFixed(1)} ms, PostgreSQL ${result.postgresMsPer1000.toFixed(1)} ms; others ${pct(result.othersShare)} of the machine` +
          (mode === 'off' ? '' : `, ${result.seals} seals, covered ${fmt(result.lagMs)} ms after the window`),
      );
    }
  }
  return { writers: WRITERS, roundMs: ROUND_MS, ...mixOf(mix), rounds };
}

export async function benchAudit(log: Log = () => {}): Promise<AuditFigures> {
  const figures: AuditFigures = {};
  const parts = { catchUp: PARTS.has('catchup'), appends: PARTS.has('appends') };
  if (parts.catchUp || parts.appends) Object.assign(figures, await benchAuditLog(log, parts));
  if (PARTS.has('verify')) figures.verify = await benchAuditVerify(log);
  return figures;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const us = (n: number) => n.toFixed(1);
const pct = (share: number) => `${Math.round(share * 100)} %`;
const bytes = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function catchUpTable(f: CatchUpFigures): string {
  const { small, webhook, mix } = f.leaf.perEvent;
  const row = (label: string, pick: (c: typeof mix) => number) =>
    `| ${label} | ${us(pick(small))} | ${us(pick(webhook))} | ${us(pick(mix))} |`;
  return [
    `(a) Sealer catching up over ${count_(f.events)} events on PostgreSQL (1 in ${f.webhookEvery} a GitHub webhook payload of 7-21 KB in the clear, the rest small; ${bytes(f.averageBytes)} of JSON per event on average; filled in ${f.fillSeconds.toFixed(1)} s), a seal every ${count_(SEAL_EVERY_EVENTS)} events:`,
    '',
    '| catch-up | events/s | × reference | Node CPU ms per 1,000 events |',
    '|---|---:|---:|---:|',
    `| reference: subscribeAll from the start until caught up, nothing else | ${fmt(f.read.rate)} | 1.00 | ${f.read.cpuMsPer1000.toFixed(1)} |`,
    `| sealer: read, hash, seal (root + Ed25519) and index every leaf (${f.seal.seals} seals, ${f.seal.seconds.toFixed(1)} s) | ${fmt(f.seal.rate)} | ${(f.seal.rate / f.read.rate).toFixed(2)} | ${f.seal.cpuMsPer1000.toFixed(1)} |`,
    '',
    `| leaf computation, Node CPU µs per event (${count_(f.leaf.sample)} events read back) | small | webhook | mix |`,
    '|---|---:|---:|---:|',
    row('reference: JSON.stringify of data + metadata (what the append already does)', (c) => c.stringifyUs),
    row('leaf bytes (eventLeafBytes: canonical place line + data and metadata JSON)', (c) => c.canonicalUs),
    row('SHA-256 of the leaf bytes', (c) => c.sha256Us),
    row('leaf total × reference', (c) => (c.canonicalUs + c.sha256Us) / c.stringifyUs),
    '',
    `Per seal of ${count_(SEAL_EVERY_EVENTS)} leaves: Merkle root + Ed25519 signature ${f.leaf.rootAndSignMs.toFixed(1)} ms of Node CPU; the audit_leaves INSERT ${f.leaf.leafIndexMs.toFixed(1)} ms wall (${f.leaf.leafIndexCpuMs.toFixed(1)} ms Node CPU).`,
  ].join('\n');
}

function verifyTable(f: VerifyFigures): string {
  return [
    `(b) ${count_(f.events)} events on PostgreSQL (1 in ${f.webhookEvery} a GitHub payload, ${bytes(f.averageBytes)} of JSON per event on average; sb_events ${(f.tableBytes / 2 ** 30).toFixed(2)} GiB with indexes):`,
    '',
    '| over the whole log | seconds | events/s | Node CPU ms per 1,000 events |',
    '|---|---:|---:|---:|',
    `| fill: batched appends (500 per call, 4 in flight) | ${f.fill.seconds.toFixed(1)} | ${fmt(f.fill.rate)} | |`,
    `| seal: sealer catch-up from nothing (${f.seal.seals} seals of ${count_(SEAL_EVERY_EVENTS)}) | ${f.seal.seconds.toFixed(1)} | ${fmt(f.seal.rate)} | ${f.seal.cpuMsPer1000.toFixed(1)} |`,
    `| reference: readAll over the whole log | ${f.read.seconds.toFixed(1)} | ${fmt(f.read.rate)} | ${f.read.cpuMsPer1000.toFixed(1)} |`,
    `| verifyAuditLog (${count_(f.verify.sealsChecked)} seals: chain, signatures, every range's root) | ${f.verify.seconds.toFixed(1)} | ${fmt(f.verify.rate)} | ${f.verify.cpuMsPer1000.toFixed(1)} |`,
    `| verify × reference read | | ${(f.verify.rate / f.read.rate).toFixed(2)} | |`,
  ].join('\n');
}

/** A round counts as quiet when other processes used less than this share of the machine in both windows compared. */
const QUIET_SHARE = 0.15;

function appendsTable(f: AppendFigures): string {
  const modes = [...new Set(f.rounds.map((r) => r.mode))];
  const off = f.rounds.filter((r) => r.mode === 'off');
  const offRate = mean(off.map((r) => r.rate));
  const offCpu = mean(off.map((r) => r.cpuMsPer1000 + r.postgresMsPer1000));
  const lines = [
    `(c) Single-event appends, ${f.writers} concurrent writers (own stream each; the same mix as (a): ${bytes(f.averageBytes)} per event), ${f.roundMs / 1000} s windows, ${off.length} rounds with the modes rotated each round; a sealer catches up before its window opens. CPU per 1,000 appends: this Node process and the PostgreSQL backends serving the bench's database (/proc); "others": what the rest of the machine used meanwhile.`,
    '',
    '| sealer | appends/s per round | mean | × off (mean) | × off (median of rounds) | × off, quiet rounds (median, n) | CPU ms per 1,000: Node / PostgreSQL | Node + PostgreSQL × off | others, mean share | seals per window | covered after the window (ms, max) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const mode of modes) {
    const rounds = f.rounds.filter((r) => r.mode === mode);
    const rate = mean(rounds.map((r) => r.rate));
    const paired = rounds.map((r) => ({ r, o: off.find((o) => o.round === r.round)! }));
    const ratios = paired.map(({ r, o }) => r.rate / o.rate);
    const quiet = paired
      .filter(({ r, o }) => r.othersShare < QUIET_SHARE && o.othersShare < QUIET_SHARE)
      .map(({ r, o }) => r.rate / o.rate);
    const node = mean(rounds.map((r) => r.cpuMsPer1000));
    const postgres = mean(rounds.map((r) => r.postgresMsPer1000));
    const sealing = mode !== 'off';
    lines.push(
      `| ${sealing ? `seal ${mode} events or 60 s` : 'off'} | ${rounds.map((r) => fmt(r.rate)).join(', ')} | ${fmt(rate)} | ${(rate / offRate).toFixed(3)} | ${median(ratios).toFixed(3)} | ${quiet.length ? `${median(quiet).toFixed(3)}, ${quiet.length}` : `–, 0`} | ${node.toFixed(1)} / ${postgres.toFixed(1)} | ${((node + postgres) / offCpu).toFixed(2)} | ${pct(mean(rounds.map((r) => r.othersShare)))} | ${sealing ? mean(rounds.map((r) => r.seals)).toFixed(1) : ''} | ${sealing ? fmt(Math.max(...rounds.map((r) => r.lagMs))) : ''} |`,
    );
  }
  lines.push(
    '',
    `Aim: sealing slows appends by less than 5 % (× off ≥ 0.95). Quiet: other processes used under ${pct(QUIET_SHARE)} of the machine in both windows of the pair.`,
  );
  return lines.join('\n');
}

export function auditTable(figures: AuditFigures): string {
  return [
    figures.catchUp && catchUpTable(figures.catchUp),
    figures.verify && verifyTable(figures.verify),
    figures.appends && appendsTable(figures.appends),
  ]
    .filter(Boolean)
    .join('\n\n');
}

// `npx tsx bench/audit.ts` (or `npm run bench -- audit`) runs it alone; BENCH_AUDIT_PARTS picks parts.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await benchAudit((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${auditTable(figures)}\n`);
}
