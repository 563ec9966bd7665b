import { randomUUID } from 'node:crypto';
import type { Runtime, RuntimeOptions } from '../src/app/runtime.js';
import { startCpuMeter } from './cpu-meter.js';
import { type LoadResult, load } from './load.js';
import { fmt, median, scratchDatabase } from './support.js';
import { CONNECTIONS, startWebhookHub } from './webhooks.js';

/**
 * Issue 14 item 6 on the hub's real append path: signed GitHub deliveries through the whole hub
 * (PostgreSQL event store and read models, Redis, projections running), with the audit sealer off
 * and on, side by side. Each round runs every variant once, the order rotated each round; every
 * variant gets a fresh scratch database, the same warm-up and an ANALYZE, so the windows see logs of
 * comparable size. The hub runs in this process and the load generator in its own, so this
 * process's CPU during a window is the hub's.
 *
 *   npx tsx bench/audit-webhooks.ts
 *   BENCH_AUDIT_WEBHOOKS_ROUNDS (6), BENCH_AUDIT_WEBHOOKS_SECONDS (5), BENCH_REDIS_URL (local Redis)
 */
const ROUNDS = Number(process.env.BENCH_AUDIT_WEBHOOKS_ROUNDS ?? 6);
const WINDOW_SECONDS = Number(process.env.BENCH_AUDIT_WEBHOOKS_SECONDS ?? 5);
const WARM_UP_SECONDS = 2;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Variant {
  label: string;
  env: Record<string, string>;
  runtimeOptions: RuntimeOptions;
}

const VARIANTS: Variant[] = [
  { label: 'off', env: {}, runtimeOptions: { runAuditSealer: false } },
  { label: 'seal every 10,000 events or 60 s (default)', env: {}, runtimeOptions: {} },
  {
    label: 'seal every 1,000 events or 60 s',
    env: { SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS: '1000' },
    runtimeOptions: {},
  },
];

export interface WebhookSealRound {
  round: number;
  variant: string;
  load: LoadResult;
  /** Events appended to the log during the window (deliveries' events and seals). */
  events: number;
  /** Signals in the read model from the window's deliveries (after the projections caught up). */
  signals: number;
  /** Log size when the window opened. */
  logBefore: number;
  nodeMsPerDelivery: number;
  postgresMsPerDelivery: number;
  othersShare: number;
  seals: number;
  /** Events between the last seal's end and the log head when the window closed (before a flush). */
  unsealedAtEnd: number;
  /** ms from the window's end until a seal covered the head (one flush), sealer on only. */
  coveredMs: number;
}

async function backendPids(runtime: Runtime): Promise<number[]> {
  const rows = await runtime.readModels.prisma.$queryRawUnsafe<Array<{ pid: number }>>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  return rows.map((row) => Number(row.pid));
}

/** Flushes until the last seal covers `head` (a flush resolves at once before the sealer leads). */
async function coveredThrough(runtime: Runtime, head: bigint): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    await runtime.audit.sealer!.flush();
    const last = await runtime.audit.seals.last();
    if (last && BigInt(last.seal.toPosition) >= head) return;
    if (Date.now() > deadline) throw new Error(`the sealer did not reach ${head} within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runVariant(variant: Variant, round: number): Promise<WebhookSealRound> {
  const database = await scratchDatabase();
  try {
    const hub = await startWebhookHub(database.url, {
      env: { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: `sb-bench-${randomUUID()}:`, ...variant.env },
      runtimeOptions: variant.runtimeOptions,
    });
    const { runtime, target } = hub;
    try {
      const sealer = runtime.audit.sealer;
      if ((sealer !== null) !== (variant.label !== 'off'))
        throw new Error(`sealer state wrong for ${variant.label}`);
      await load(target, { connections: CONNECTIONS, durationSeconds: WARM_UP_SECONDS });
      const warmHead = await runtime.eventStore.headPosition();
      await runtime.projections.waitFor(warmHead, { timeoutMs: 60_000 });
      if (sealer) await coveredThrough(runtime, warmHead);
      // A fresh table's statistics make the append function's generic plans scan (bench/audit.ts).
      await runtime.readModels.prisma.$executeRawUnsafe('ANALYZE');
      const headBefore = await runtime.eventStore.headPosition();
      const signalsBefore = await runtime.readModels.prisma.signal.count({
        where: { tenantId: hub.tenantId },
      });
      const sealsBefore = (await runtime.audit.seals.last())?.revision ?? -1n;
      const meter = await startCpuMeter(() => backendPids(runtime));
      const result = await load(target, { connections: CONNECTIONS, durationSeconds: WINDOW_SECONDS });
      const cpu = await meter();
      const headAfter = await runtime.eventStore.headPosition();
      const last = await runtime.audit.seals.last();
      const seals = Number((last?.revision ?? -1n) - sealsBefore);
      const unsealedAtEnd = sealer ? Number(headAfter - (last ? BigInt(last.seal.toPosition) : -1n)) : 0;
      let coveredMs = 0;
      if (sealer) {
        const started = performance.now();
        await coveredThrough(runtime, headAfter);
        coveredMs = performance.now() - started;
      }
      // Responses autocannon counted in the window (its mean rate × duration if it gave none).
      const deliveries = result.total ?? result.requestsPerSecond * WINDOW_SECONDS;
      // Let the projections finish (not measured): the signals count then holds every delivery.
      await runtime.projections.waitFor(await runtime.eventStore.headPosition(), { timeoutMs: 60_000 });
      const signals =
        (await runtime.readModels.prisma.signal.count({ where: { tenantId: hub.tenantId } })) - signalsBefore;
      return {
        signals,
        round,
        variant: variant.label,
        load: result,
        events: Number(headAfter - headBefore),
        logBefore: Number(headBefore) + 1,
        nodeMsPerDelivery: cpu.nodeMs / deliveries,
        postgresMsPerDelivery: cpu.postgresMs / deliveries,
        othersShare: cpu.othersMs / cpu.availableMs,
        seals,
        unsealedAtEnd,
        coveredMs,
      };
    } finally {
      await hub.close();
    }
  } finally {
    await database.drop();
  }
}

export async function benchAuditWebhooks(log: (line: string) => void): Promise<WebhookSealRound[]> {
  const rounds: WebhookSealRound[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round - 1) % VARIANTS.length]!);
    for (const variant of order) {
      const r = await runVariant(variant, round);
      rounds.push(r);
      log(
        `  round ${round}, sealer ${variant.label}: ${fmt(r.load.requestsPerSecond)} deliveries/s, ack p50/p99 ${r.load.p50}/${r.load.p99} ms, ` +
          `Node ${r.nodeMsPerDelivery.toFixed(2)} ms, PostgreSQL ${r.postgresMsPerDelivery.toFixed(2)} ms per delivery, others ${Math.round(r.othersShare * 100)} %, ` +
          `log ${r.logBefore} + ${r.events} events, ${r.signals} signals, errors ${r.load.errors}/${r.load.non2xx}, autocannon total ${r.load.total} in ${r.load.seconds} s` +
          (variant.label === 'off'
            ? ''
            : `; ${r.seals} seals, ${r.unsealedAtEnd} events unsealed at the end, covered ${fmt(r.coveredMs)} ms after`),
      );
    }
  }
  return rounds;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

export function auditWebhooksTable(rounds: WebhookSealRound[]): string {
  const off = rounds.filter((r) => r.variant === 'off');
  const offMean = mean(off.map((r) => r.load.requestsPerSecond));
  const lines = [
    `| sealer | deliveries/s per round | mean | × off (mean) | × off (median of rounds) | ack p50 / p99 ms (median) | Node / PostgreSQL CPU ms per delivery | Node CPU × off | events per window (mean) | seals per window | unsealed at window end (max events) | covered after the window (ms, max) | errors / non-2xx |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const offNode = mean(off.map((r) => r.nodeMsPerDelivery));
  for (const variant of VARIANTS) {
    const mine = rounds.filter((r) => r.variant === variant.label);
    const rates = mine.map((r) => r.load.requestsPerSecond);
    const ratios = mine.map(
      (r) => r.load.requestsPerSecond / off.find((o) => o.round === r.round)!.load.requestsPerSecond,
    );
    const node = mean(mine.map((r) => r.nodeMsPerDelivery));
    const sealer = variant.label !== 'off';
    lines.push(
      `| ${variant.label} | ${rates.map(fmt).join(', ')} | ${fmt(mean(rates))} | ${(mean(rates) / offMean).toFixed(3)} | ${median(ratios).toFixed(3)} | ` +
        `${median(mine.map((r) => r.load.p50))} / ${median(mine.map((r) => r.load.p99))} | ${node.toFixed(2)} / ${mean(mine.map((r) => r.postgresMsPerDelivery)).toFixed(2)} | ` +
        `${(node / offNode).toFixed(2)} | ${fmt(mean(mine.map((r) => r.events)))} | ${sealer ? mean(mine.map((r) => r.seals)).toFixed(1) : ''} | ` +
        `${sealer ? Math.max(...mine.map((r) => r.unsealedAtEnd)) : ''} | ${sealer ? fmt(Math.max(...mine.map((r) => r.coveredMs))) : ''} | ` +
        `${mine.reduce((s, r) => s + r.load.errors, 0)} / ${mine.reduce((s, r) => s + r.load.non2xx, 0)} |`,
    );
  }
  lines.push(
    '',
    `Others (the rest of the machine) used ${Math.round(Math.min(...rounds.map((r) => r.othersShare)) * 100)} to ${Math.round(Math.max(...rounds.map((r) => r.othersShare)) * 100)} % of it per window. Log size when a window opened: ${Math.min(...rounds.map((r) => r.logBefore))} to ${Math.max(...rounds.map((r) => r.logBefore))} events.`,
  );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = await benchAuditWebhooks((line) => process.stderr.write(`${line}\n`));
  console.log(auditWebhooksTable(rounds));
}
