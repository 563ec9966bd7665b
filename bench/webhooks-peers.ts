import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { processCpuMs } from './cpu-meter.js';
import { startHubProcess } from './hub-process.js';
import { type LoadResult, load } from './load.js';
import { deleteRedisKeys, median, scratchDatabase, spread } from './support.js';
import type { DeliveryOptions } from './webhook-deliveries.js';
import {
  CONNECTIONS,
  generator,
  type LiveLatency,
  OPERATOR,
  provisionWebhookTenant,
  startSubscriber,
  summarize,
} from './webhooks.js';

/**
 * `npm run bench -- webhooks`: Switchboard's webhook gateway against what a webhook receiver costs
 * at the least, side by side in one run, each server in a process of its own on the same Node:
 * a receiver that verifies the signature and answers (no storage), a minimal durable receiver
 * (verify, group-committed INSERT, then 200: bench/receivers/minimal-receiver.ts) and the hub in
 * its production profile (PostgreSQL event store and read models, Redis, projections, sealer), and
 * a second hub instance on the same stores that only takes deliveries (the first keeps the
 * projections and the sealer), whose CPU per delivery is the ingress path's alone.
 * Rounds are interleaved with the order rotated each round; each window reports deliveries/s, ack
 * latency and the server process's CPU per delivery (/proc). Then the hub alone at 80 % of its
 * median saturated rate: ack p99 and delivery → graphql-ws subscriber latency.
 */
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 8);
/** Deliveries per second of the paced run; default: 80 % of the hub's median saturated rate. */
const PACED_RATE = process.env.BENCH_WEBHOOK_RATE ? Number(process.env.BENCH_WEBHOOK_RATE) : undefined;
const receiverScript = fileURLToPath(new URL('./receivers/minimal-receiver.ts', import.meta.url));

interface Server {
  label: string;
  /** Its deliveries become signals in the hub's read model. */
  hub?: boolean;
  url: string;
  pid: number;
  /** Signed deliveries for this server's connections. */
  deliveries: DeliveryOptions;
  stop(): Promise<void>;
}

interface Window {
  load: LoadResult;
  cpuMsPerDelivery: number;
}

export interface WebhookPeerFigures {
  rounds: Array<Record<string, Window>>;
  labels: string[];
  paced: { rate: number; load: LoadResult; live: LiveLatency; cpuMsPerDelivery: number };
  /** Signals the hub's read model holds for the tenant, and the deliveries it acknowledged. */
  recorded: number;
  acknowledged: number;
}

const RECEIVER_SECRETS = Array.from({ length: 50 }, (_, i) => ({
  connectionId: `conn_ref_${i}`,
  secret: `reference-secret-${i}-0123456789abcdef`,
}));

async function startReceiver(
  label: string,
  mode: 'verify' | 'durable',
  databaseUrl?: string,
): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', receiverScript], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const secrets = Object.fromEntries(RECEIVER_SECRETS.map((c) => [c.connectionId, c.secret]));
  child.stdin.end(JSON.stringify({ mode, databaseUrl, secrets }));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    label,
    url,
    pid: child.pid!,
    deliveries: { connections: RECEIVER_SECRETS },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function measure(server: Server, seconds: number, overallRate?: number): Promise<Window> {
  const target = {
    url: server.url,
    method: 'POST' as const,
    generator: { module: generator, options: server.deliveries },
  };
  const before = await processCpuMs(server.pid);
  const result = await load(target, { connections: CONNECTIONS, durationSeconds: seconds, overallRate });
  const cpu = (await processCpuMs(server.pid)) - before;
  const answered = result.total ?? result.requestsPerSecond * seconds;
  return { load: result, cpuMsPerDelivery: cpu / Math.max(1, answered) };
}

export async function benchWebhookPeers(log: (line: string) => void): Promise<WebhookPeerFigures> {
  const receiverDb = await scratchDatabase();
  const hubDb = await scratchDatabase();
  const redisPrefix = `bench-${randomUUID().slice(0, 8)}:`;
  const servers: Server[] = [];
  try {
    servers.push(await startReceiver('verify HMAC + 200, no database', 'verify'));
    servers.push(
      await startReceiver(
        'minimal durable receiver: verify, group-committed INSERT, 200',
        'durable',
        receiverDb.url,
      ),
    );
    const hubEnv: Record<string, string> = {
      EVENTSTORE_URL: hubDb.url,
      SWITCHBOARD_OPERATOR_TOKENS: OPERATOR,
      SWITCHBOARD_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      SWITCHBOARD_AUDIT_SIGNING_KEY: Buffer.alloc(32, 10).toString('base64'),
      NODE_ENV: 'production',
      REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
      SWITCHBOARD_REDIS_PREFIX: redisPrefix,
      ...(process.env.BENCH_HUB_ENV ? (JSON.parse(process.env.BENCH_HUB_ENV) as Record<string, string>) : {}),
    };
    const hub = await startHubProcess(
      hubEnv,
      process.env.BENCH_HUB_NODE_ARGS ? process.env.BENCH_HUB_NODE_ARGS.split(' ') : [],
    );
    const { tenantId, target } = await provisionWebhookTenant(hub.url);
    const switchboard: Server = {
      label: 'Switchboard (PostgreSQL + Redis, production profile)',
      url: hub.url,
      pid: hub.pid,
      deliveries: target.generator!.options as DeliveryOptions,
      hub: true,
      stop: () => hub.stop(),
    };
    servers.push(switchboard);
    if (process.env.BENCH_WEBHOOK_SPLIT !== '0') {
      // A second instance on the same stores: the first holds the projection lease, so this one only
      // takes deliveries; its CPU per delivery is ingress alone (verify, seal, append, answer).
      const ingress = await startHubProcess(
        hubEnv,
        process.env.BENCH_INGRESS_NODE_ARGS ? process.env.BENCH_INGRESS_NODE_ARGS.split(' ') : [],
      );
      servers.push({
        label: 'Switchboard ingress instance (projections and sealer on the first)',
        url: ingress.url,
        pid: ingress.pid,
        deliveries: switchboard.deliveries,
        hub: true,
        stop: () => ingress.stop(),
      });
    }

    let acknowledged = 0;
    for (const server of servers) {
      log(`  warming up: ${server.label}`);
      const warmUp = await measure(server, 2);
      if (server.hub) acknowledged += warmUp.load.total ?? 0;
    }
    const rounds: Array<Record<string, Window>> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
      const windows: Record<string, Window> = {};
      for (const server of order) {
        const window = await measure(server, SECONDS);
        windows[server.label] = window;
        if (server.hub) acknowledged += window.load.total ?? 0;
        log(
          `  round ${round + 1}: ${server.label}: ${Math.round(window.load.requestsPerSecond)}/s, CPU ${window.cpuMsPerDelivery.toFixed(3)} ms per delivery`,
        );
      }
      rounds.push(windows);
    }

    const saturated = median(rounds.map((r) => r[switchboard.label]!.load.requestsPerSecond));
    const rate = PACED_RATE ?? Math.max(10, Math.round(saturated * 0.8));
    // The saturated windows leave the projections behind; the paced run starts once they caught up.
    await settledSignalCount(hubDb.url, tenantId);
    log(`  Switchboard paced at ${rate}/s, with a graphql-ws subscriber`);
    const subscriber = startSubscriber(`${hub.url.replace(/^http/, 'ws')}/graphql`, tenantId);
    await subscriber.ready;
    const paced = await measure(switchboard, SECONDS, rate);
    acknowledged += paced.load.total ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const live = summarize(await subscriber.stop());

    return {
      rounds,
      labels: servers.map((s) => s.label),
      paced: { rate, ...paced, live },
      recorded: await settledSignalCount(hubDb.url, tenantId),
      acknowledged,
    };
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    await deleteRedisKeys(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', redisPrefix);
    await receiverDb.drop();
    await hubDb.drop();
  }
}

/** The tenant's signals in the read model once the projection has caught up (the count stops moving). */
async function settledSignalCount(databaseUrl: string, tenantId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let last = -1;
    for (let attempt = 0; attempt < 60; attempt++) {
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM signals WHERE tenant_id = $1',
        [tenantId],
      );
      const count = Number(rows[0]!.n);
      if (count === last) return count;
      last = count;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return last;
  } finally {
    await client.end();
  }
}

export function webhookPeersTable(figures: WebhookPeerFigures): string {
  const reference = figures.labels[1]!;
  const perSecond = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `| server (${CONNECTIONS} connections, ${SECONDS} s windows, ${figures.rounds.length} interleaved rounds: median (range)) | deliveries/s | × minimal durable receiver | ack p50 / p99 ms | Node CPU ms per delivery | errors / non-2xx |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const label of figures.labels) {
    const windows = figures.rounds.map((round) => round[label]!);
    const ratios = figures.rounds.map(
      (round) => round[label]!.load.requestsPerSecond / round[reference]!.load.requestsPerSecond,
    );
    lines.push(
      `| ${label} | ${spread(
        windows.map((w) => w.load.requestsPerSecond),
        perSecond,
      )} | ${spread(ratios, (n) => n.toFixed(2))} | ${median(windows.map((w) => w.load.p50))} / ${median(windows.map((w) => w.load.p99))} | ${spread(
        windows.map((w) => w.cpuMsPerDelivery),
        (n) => n.toFixed(3),
      )} | ${windows.reduce((sum, w) => sum + w.load.errors, 0)} / ${windows.reduce((sum, w) => sum + w.load.non2xx, 0)} |`,
    );
  }
  const { paced } = figures;
  lines.push(
    '',
    `Switchboard paced at ${perSecond(paced.rate)} deliveries/s${PACED_RATE ? '' : ' (80 % of its median saturated rate)'}: ack p50 / p99 ${paced.load.p50} / ${paced.load.p99} ms, delivery → graphql-ws subscriber p50 / p99 ${paced.live.p50} / ${paced.live.p99} ms (${paced.live.count.toLocaleString('en-US')} signals), Node CPU ${paced.cpuMsPerDelivery.toFixed(3)} ms per delivery, ${paced.load.errors} errors / ${paced.load.non2xx} non-2xx.`,
    `Signals in the hub's read model after the run: ${figures.recorded.toLocaleString('en-US')}; deliveries it acknowledged (warm-up included): ${figures.acknowledged.toLocaleString('en-US')}.`,
  );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchWebhookPeers((line) => process.stderr.write(`${line}\n`));
  console.log(webhookPeersTable(figures));
}
