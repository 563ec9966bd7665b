import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { createApp } from '../src/app/create-app.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../src/app/runtime.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/platform/logger.js';
import { type LoadResult, type LoadTarget, load } from './load.js';
import { scratchDatabase } from './support.js';
import type { DeliveryOptions } from './webhook-deliveries.js';
import { startInstance } from './webhooks-instance.js';

export const CONNECTIONS = 50;
const DURATION = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
/** Webhook connections (streams) the deliveries are spread over. */
const WEBHOOK_CONNECTIONS = Number(process.env.BENCH_WEBHOOK_CONNECTIONS ?? 50);
export const OPERATOR = 'bench-operator-token-0123456789';
/** Deliveries per second of the paced run; default: half the saturated rate, so the hub keeps up. */
const PACED_RATE = process.env.BENCH_WEBHOOK_RATE ? Number(process.env.BENCH_WEBHOOK_RATE) : undefined;
export const generator = fileURLToPath(new URL('./webhook-deliveries.ts', import.meta.url));
const subscriberScript = fileURLToPath(new URL('./webhooks-subscriber.ts', import.meta.url));

/** Delivery (gateway receipt) → graphql-ws subscriber, ms. */
export interface LiveLatency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface WebhookFigures {
  bare: LoadResult;
  /** As fast as the hub answers. */
  saturated: { load: LoadResult; live: LiveLatency };
  /** At a steady rate below saturation: latency when the hub keeps up. */
  paced: { rate: number; load: LoadResult; live: LiveLatency };
  /** Deliveries to a second instance (its own process) while the first runs the projections. */
  scaledOut: { load: LoadResult; live: LiveLatency };
  /** Signals in the read model after the run, and deliveries acknowledged: each accepted one, once. */
  recorded: number;
  acknowledged: number;
}

export function summarize(latencies: number[]): LiveLatency {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function graphql<T>(url: string, query: string, variables: unknown, tenantId?: string): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${OPERATOR}`,
      ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data: T; errors?: unknown[] };
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

/** A hub instance (in this process) with a tenant and its GitHub webhook connections, ready for deliveries. */
export interface WebhookHub {
  url: string;
  runtime: Runtime;
  tenantId: string;
  /** The load target: signed deliveries spread over the tenant's webhook connections. */
  target: LoadTarget;
  /** The environment the hub was configured from (for a second instance on the same stores). */
  instanceEnv: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Builds the hub on `databaseUrl` (event store and read models) as the production profile does,
 * with Redis when BENCH_REDIS_URL is set; `env` adds to or overrides its environment and
 * `runtimeOptions` go to createRuntime (the audit bench turns the sealer off with them).
 */
export async function startWebhookHub(
  databaseUrl: string,
  { env = {}, runtimeOptions = {} }: { env?: Record<string, string>; runtimeOptions?: RuntimeOptions } = {},
): Promise<WebhookHub> {
  const instanceEnv: Record<string, string> = {
    EVENTSTORE_URL: databaseUrl,
    SWITCHBOARD_OPERATOR_TOKENS: OPERATOR,
    SWITCHBOARD_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    SWITCHBOARD_AUDIT_SIGNING_KEY: Buffer.alloc(32, 10).toString('base64'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
    ...env,
  };
  const config = loadConfig(instanceEnv);
  const runtime = await createRuntime(config, createLogger({ level: 'warn' }), runtimeOptions);
  const app = await createApp(runtime);
  app.log.level = 'warn';
  const close = async () => {
    await app.close();
    await runtime.close();
  };
  try {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const { tenantId, target } = await provisionWebhookTenant(url);
    return { url, runtime, tenantId, target, instanceEnv, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A tenant with WEBHOOK_CONNECTIONS GitHub webhook connections on the hub at `url` (in this process
 * or its own), through the public GraphQL API, and the load target spreading signed deliveries
 * over them.
 */
export async function provisionWebhookTenant(url: string): Promise<{ tenantId: string; target: LoadTarget }> {
  const tenantId = 'bench-hooks';
  await graphql(url, 'mutation { registerTenant(input: { id: "bench-hooks", name: "Bench" }) { id } }', {});
  const connections: DeliveryOptions['connections'] = [];
  for (let i = 0; i < WEBHOOK_CONNECTIONS; i++) {
    const { createWebhookConnection: created } = await graphql<{
      createWebhookConnection: { connection: { id: string }; secret: string };
    }>(
      url,
      'mutation($input: CreateWebhookConnectionInput!) { createWebhookConnection(input: $input) { connection { id } secret } }',
      { input: { provider: 'github' } },
      tenantId,
    );
    connections.push({ connectionId: created.connection.id, secret: created.secret });
  }
  const target: LoadTarget = {
    url,
    method: 'POST',
    generator: { module: generator, options: { connections } },
  };
  return { tenantId, target };
}

/** The graphql-ws subscriber, in a process of its own so it shares no event loop with the hub. */
export function startSubscriber(wsUrl: string, tenantId: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', subscriberScript], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stdin.end(JSON.stringify({ wsUrl, token: OPERATOR, tenantId }));
  const ready = new Promise<void>((resolve) => {
    const check = () => (output.includes('ready\n') ? resolve() : setTimeout(check, 20));
    check();
  });
  return {
    ready,
    stop: () =>
      new Promise<number[]>((resolve, reject) => {
        child.on('exit', () => {
          try {
            resolve(JSON.parse(output.slice(output.indexOf('ready\n') + 6)) as number[]);
          } catch (error) {
            reject(error);
          }
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Signed GitHub deliveries at 50 HTTP connections, spread over 50 webhook connections, against the
 * hub on PostgreSQL (event store and read models), beside a bare Fastify route taking the same
 * requests. Acknowledgement latency comes from autocannon (its own process); delivery → subscriber
 * from a graphql-ws subscriber (its own process) timestamping each signal against its receipt time.
 */
export async function benchWebhooks(log: (line: string) => void): Promise<WebhookFigures> {
  const measure = async (label: string, url: string, options: DeliveryOptions) => {
    log(`  ${label}`);
    const target = { url, method: 'POST' as const, generator: { module: generator, options } };
    await load(target, { connections: CONNECTIONS, durationSeconds: 2 });
    return load(target, { connections: CONNECTIONS, durationSeconds: DURATION });
  };
  const fakeConnections = Array.from({ length: WEBHOOK_CONNECTIONS }, (_, i) => ({
    connectionId: `conn_bare_${i}`,
    secret: `bare-secret-${i}-0123456789abcdef`,
  }));

  const bareApp = Fastify();
  bareApp.removeAllContentTypeParsers();
  bareApp.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  bareApp.post('/webhooks/:provider/:connectionId', async () => ({ status: 'accepted' }));
  const bareUrl = await bareApp.listen({ port: 0, host: '127.0.0.1' });
  const bare = await measure('bare Fastify route (same signed deliveries, no work)', bareUrl, {
    connections: fakeConnections,
  });
  await bareApp.close();

  const database = await scratchDatabase();
  const hub = await startWebhookHub(database.url);
  const { runtime, url, target, tenantId, instanceEnv } = hub;
  try {
    log('  warming up the hub');
    await load(target, { connections: CONNECTIONS, durationSeconds: 2 });
    await runtime.projections.waitFor(await runtime.eventStore.headPosition(), { timeoutMs: 60_000 });
    const before = await runtime.readModels.prisma.signal.count({ where: { tenantId } });
    const run = async (label: string, overallRate?: number, to = url) => {
      const subscriber = startSubscriber(`${url.replace(/^http/, 'ws')}/graphql`, tenantId);
      await subscriber.ready;
      log(`  ${label}`);
      const result = await load(
        { ...target, url: to },
        { connections: CONNECTIONS, durationSeconds: DURATION, overallRate },
      );
      // Let the projection and the subscriber catch up with the last deliveries.
      await runtime.projections.waitFor(await runtime.eventStore.headPosition(), { timeoutMs: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { load: result, live: summarize(await subscriber.stop()) };
    };
    const saturated = await run(
      `Switchboard, as fast as it answers (${WEBHOOK_CONNECTIONS} webhook connections)`,
    );
    const rate = PACED_RATE ?? Math.max(10, Math.round(saturated.load.requestsPerSecond / 2));
    const paced = await run(`Switchboard at ${rate} deliveries/s`, rate);
    const second = await startInstance(instanceEnv);
    const scaledOut = await run(
      'Switchboard, deliveries to a second instance (own process), projections on the first',
      undefined,
      second.url,
    ).finally(() => second.stop());
    const recorded = (await runtime.readModels.prisma.signal.count({ where: { tenantId } })) - before;
    const acknowledged = Math.round(
      (saturated.load.requestsPerSecond + paced.load.requestsPerSecond + scaledOut.load.requestsPerSecond) *
        DURATION,
    );
    return { bare, saturated, paced: { rate, ...paced }, scaledOut, recorded, acknowledged };
  } finally {
    await hub.close();
    await database.drop();
  }
}

export function webhooksTable(figures: WebhookFigures): string {
  const live = (latency: LiveLatency) => `${latency.p50} / ${latency.p99}`;
  const row = (label: string, result: LoadResult, latency?: LiveLatency) =>
    `| ${label} | ${Math.round(result.requestsPerSecond).toLocaleString('en-US')} | ${result.p50} | ${result.p99} | ${
      latency ? live(latency) : '–'
    } | ${result.errors} / ${result.non2xx} |`;
  return [
    `| signed GitHub deliveries (${CONNECTIONS} HTTP connections, ${DURATION} s each) | deliveries/s | ack p50 ms | ack p99 ms | delivery → subscriber p50 / p99 ms | errors / non-2xx |`,
    '|---|---:|---:|---:|---:|---:|',
    row('bare Fastify route (same requests, no work)', figures.bare),
    row(
      `Switchboard on PostgreSQL, ${WEBHOOK_CONNECTIONS} webhook connections, as fast as it answers`,
      figures.saturated.load,
      figures.saturated.live,
    ),
    row(`Switchboard, paced at ${figures.paced.rate}/s`, figures.paced.load, figures.paced.live),
    row(
      'Switchboard, two instances: deliveries to one, projections on the other',
      figures.scaledOut.load,
      figures.scaledOut.live,
    ),
    '',
    `Aim: ≥ 1,500 deliveries/s, ack p99 < 50 ms, delivery → subscriber p99 < 100 ms. Signals recorded during the three runs: ${figures.recorded.toLocaleString('en-US')} (autocannon's mean rate × duration: about ${figures.acknowledged.toLocaleString('en-US')}).`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchWebhooks((line) => process.stderr.write(`${line}\n`));
  console.log(webhooksTable(figures));
}
