import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HubProcess, startHubProcess } from './hub-process.js';
import { type LoadResult, type LoadTarget, load } from './load.js';
import { deleteRedisKeys, fmt, median, picked, scratchDatabase } from './support.js';
import { CONNECTIONS, OPERATOR, provisionWebhookTenant } from './webhooks.js';

/**
 * Issue 15 item 8: what tracing costs. Three hubs, each in a process of its own (`src/app/main.ts`)
 * on its own scratch PostgreSQL database and the same Redis: one without OTEL_* variables (tracing
 * off: no SDK), one exporting its default spans with the default parent-based always-on sampler
 * (every trace: the worst case) and one with the per-statement pg and per-command Redis spans too
 * (OTEL_NODE_ENABLED_INSTRUMENTATIONS=undici,pg,redis), and one sampling a tenth of the traces
 * (parentbased_traceidratio 0.1), as a busy production would; the traced ones over OTLP/HTTP protobuf to a collector stub
 * in this process that counts requests and bytes and answers 200. Each round loads every hub in
 * turn, the order rotated, with signed GitHub
 * webhook deliveries and then `{ tenant { id name } }`; the hubs' CPU comes from /proc.
 *
 *   npm run bench -- tracing
 *   BENCH_TRACING_ROUNDS (4), BENCH_TRACING_SECONDS (6), BENCH_REDIS_URL (local Redis),
 *   BENCH_TRACING_VARIANTS (labels separated by ';'; off always runs), BENCH_TRACING_WORKLOADS
 */
const ROUNDS = Number(process.env.BENCH_TRACING_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_TRACING_SECONDS ?? 6);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Collector {
  url: string;
  requests: number;
  bytes: number;
  close(): Promise<void>;
}

/** Accepts OTLP/HTTP exports and drops them: the exporter's work is the hub's, not the receiver's. */
async function startCollectorStub(): Promise<Collector> {
  const collector = { requests: 0, bytes: 0 } as Collector;
  const server: Server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      collector.bytes += chunk.length;
    });
    request.on('end', () => {
      collector.requests++;
      // An empty ExportTraceServiceResponse: zero bytes of protobuf.
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  collector.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  collector.close = () => new Promise((resolve) => server.close(() => resolve()));
  return collector;
}

/** Tracing off; on as by default; with pg and Redis client spans too; at a 10 % sampling ratio. */
const VARIANTS = {
  off: {},
  'on (default spans)': {},
  'on + pg and redis spans': { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'undici,pg,redis' },
  'on, 10 % of traces sampled': {
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
  },
  // The SDK, its context manager and our hooks without a single recorded span: the constant part.
  'on, nothing sampled': { OTEL_TRACES_SAMPLER: 'always_off' },
} as const satisfies Record<string, Record<string, string>>;
type VariantLabel = keyof typeof VARIANTS;
/** BENCH_TRACING_VARIANTS picks some (labels separated by ';'); `off`, the reference, always runs. */
const LABELS = picked(
  Object.keys(VARIANTS) as VariantLabel[],
  'off',
  process.env.BENCH_TRACING_VARIANTS,
  ';',
);
type Workload = 'webhooks' | 'graphql';
/** BENCH_TRACING_WORKLOADS: webhooks, graphql or both (default). */
const WORKLOADS = (process.env.BENCH_TRACING_WORKLOADS ?? 'webhooks,graphql').split(',') as Workload[];

interface Variant {
  label: VariantLabel;
  hub: HubProcess;
  webhooks: LoadTarget;
  tenantQuery: LoadTarget;
  drop(): Promise<void>;
}

export interface TracingRound {
  variant: VariantLabel;
  workload: 'webhooks' | 'graphql';
  load: LoadResult;
  cpuMsPerOperation: number;
}

export interface TracingFigures {
  rounds: TracingRound[];
  spansExported: { requests: number; bytes: number };
}

const redisPrefix = (label: VariantLabel) => `bench-tracing-${label.replace(/[^a-z0-9]+/gi, '-')}:`;

async function startVariant(label: Variant['label'], collector: Collector): Promise<Variant> {
  const database = await scratchDatabase();
  const hub = await startHubProcess({
    EVENTSTORE_URL: database.url,
    REDIS_URL,
    SWITCHBOARD_OPERATOR_TOKENS: OPERATOR,
    SWITCHBOARD_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    SWITCHBOARD_AUDIT_SIGNING_KEY: Buffer.alloc(32, 10).toString('base64'),
    SWITCHBOARD_REDIS_PREFIX: redisPrefix(label),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ...(label === 'off'
      ? {}
      : {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_SERVICE_NAME: 'switchboard-bench',
          ...VARIANTS[label],
        }),
  });
  try {
    const { tenantId, target } = await provisionWebhookTenant(hub.url);
    const tenantQuery: LoadTarget = {
      url: `${hub.url}/graphql`,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${OPERATOR}`,
        'x-tenant-id': tenantId,
      },
      body: JSON.stringify({ query: '{ tenant { id name } }' }),
    };
    return {
      label,
      hub,
      webhooks: target,
      tenantQuery,
      drop: async () => {
        await hub.stop();
        await database.drop();
        await deleteRedisKeys(REDIS_URL, redisPrefix(label));
      },
    };
  } catch (error) {
    await hub.stop();
    await database.drop();
    throw error;
  }
}

async function measure(variant: Variant, workload: TracingRound['workload']): Promise<TracingRound> {
  const target = workload === 'webhooks' ? variant.webhooks : variant.tenantQuery;
  const cpuBefore = await variant.hub.cpuMs();
  const result = await load(target, { connections: CONNECTIONS, durationSeconds: SECONDS });
  const cpuMs = (await variant.hub.cpuMs()) - cpuBefore;
  const operations = result.total ?? result.requestsPerSecond * SECONDS;
  return {
    variant: variant.label,
    workload,
    load: result,
    cpuMsPerOperation: cpuMs / Math.max(1, operations),
  };
}

export async function benchTracing(log: (line: string) => void): Promise<TracingFigures> {
  const collector = await startCollectorStub();
  const variants: Variant[] = [];
  try {
    for (const label of LABELS) {
      log(`  starting the hub with tracing ${label}`);
      variants.push(await startVariant(label, collector));
    }
    log('  warming up both hubs');
    for (const variant of variants) {
      await load(variant.webhooks, { connections: CONNECTIONS, durationSeconds: 2 });
      await load(variant.tenantQuery, { connections: CONNECTIONS, durationSeconds: 2 });
    }
    const rounds: TracingRound[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotated each round, so no variant always runs first (or right after another's load).
      const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
      for (const workload of WORKLOADS) {
        for (const variant of order) {
          const figures = await measure(variant, workload);
          log(
            `  round ${round + 1}/${ROUNDS} ${workload} tracing ${variant.label}: ${fmt(figures.load.requestsPerSecond)}/s, ${figures.cpuMsPerOperation.toFixed(3)} ms CPU per operation`,
          );
          rounds.push(figures);
        }
      }
    }
    return { rounds, spansExported: { requests: collector.requests, bytes: collector.bytes } };
  } finally {
    for (const variant of variants) await variant.drop().catch(() => {});
    await collector.close();
  }
}

export function tracingTable(figures: TracingFigures): string {
  const lines = [
    `| ${CONNECTIONS} connections, ${SECONDS} s windows, ${ROUNDS} rounds (order rotated) | tracing | per second: median (range) | / off (median of same-round ratios) | hub CPU ms per op (median) | CPU / off | p99 ms (median) |`,
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const workload of WORKLOADS) {
    const of = (variant: VariantLabel) =>
      figures.rounds.filter((round) => round.workload === workload && round.variant === variant);
    const off = of('off');
    const rate = (rounds: TracingRound[]) => rounds.map((round) => round.load.requestsPerSecond);
    const cpu = (rounds: TracingRound[]) => median(rounds.map((round) => round.cpuMsPerOperation));
    const label =
      workload === 'webhooks'
        ? 'signed GitHub webhook deliveries'
        : '`{ tenant { id name } }` (operator, X-Tenant-Id)';
    for (const variant of LABELS) {
      const rounds = of(variant);
      const rates = rate(rounds);
      const ratios = rounds.map((round, i) => round.load.requestsPerSecond / off[i]!.load.requestsPerSecond);
      const ratio =
        variant === 'off'
          ? '1'
          : `${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`;
      lines.push(
        `| ${variant === 'off' ? label : ''} | ${variant} | ${fmt(median(rates))} (${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}) | ${ratio} | ${cpu(rounds).toFixed(3)} | ${(cpu(rounds) / cpu(off)).toFixed(2)} | ${median(rounds.map((round) => round.load.p99))} |`,
      );
    }
  }
  lines.push(
    '',
    `Spans exported by the traced hubs: ${figures.spansExported.requests.toLocaleString('en-US')} OTLP requests, ${(figures.spansExported.bytes / 1e6).toFixed(1)} MB.`,
  );
  return lines.join('\n');
}
