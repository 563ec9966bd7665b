import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type OidcProviderHarness, startOidcProvider } from '../test/support/oidc-provider.js';
import { startHubProcess } from './hub-process.js';
import { type LoadResult, type LoadTarget, load } from './load.js';
import { deleteRedisKeys, fmt, median, picked, scratchDatabase, spread } from './support.js';

/**
 * Issue 11, GraphQL: Switchboard's tenant-scoped reads against bare servers on the same Node, each
 * server in a process of its own and autocannon in another (bench/load.ts), so no server shares an
 * event loop with the load generator or with another server:
 *
 *   bare Fastify route      GET /hello answering JSON (bench/graphql-peer.ts)
 *   bare Yoga               graphql-yoga on node:http, `{ __typename }` (bench/graphql-peer.ts)
 *   Switchboard             `npm start` (src/app/main.ts), PostgreSQL + Redis, NODE_ENV=production:
 *                           `{ providers { id } }` (no tenant, no database) and `{ tenant { id name } }`
 *                           as an operator (X-Tenant-Id) and as a tenant-bound JWT from an OIDC
 *                           provider (client credentials, as a tenant's backend calls the API)
 *
 * Rounds are interleaved: each round loads every target once, the order rotated each round; the
 * table gives the median and range over rounds of requests/s, the ratio to bare Yoga (median of
 * same-round ratios), p50/p99, and the serving process's CPU (user + system from /proc) per request.
 * The hub's rate limits stay on (Redis), with a budget the bench cannot exhaust.
 *
 *   npm run bench -- graphql
 *   BENCH_GRAPHQL_ROUNDS (3), BENCH_GRAPHQL_SECONDS (8), BENCH_GRAPHQL_CONNECTIONS (50),
 *   BENCH_GRAPHQL_TARGETS (labels' keys separated by ',': fastify,yoga,providers,tenant,tenant-jwt),
 *   BENCH_REDIS_URL (local Redis; empty: the hub without Redis),
 *   BENCH_GRAPHQL_PROFILE (a directory: the hub runs with --cpu-prof and writes its profile there)
 */
const ROUNDS = Number(process.env.BENCH_GRAPHQL_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_GRAPHQL_SECONDS ?? process.env.BENCH_HTTP_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_GRAPHQL_CONNECTIONS ?? 50);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROFILE_DIR = process.env.BENCH_GRAPHQL_PROFILE;
const OPERATOR = 'bench-operator-token-0123456789';
const TENANT = 'bench';
const REDIS_PREFIX = `bench-graphql-${process.pid}:`;

const TARGETS = {
  fastify: 'bare Fastify route (GET /hello)',
  yoga: 'bare Yoga `{ __typename }`',
  providers: 'Switchboard `{ providers { id } }`',
  tenant: 'Switchboard `{ tenant { id name } }` (operator, X-Tenant-Id)',
  'tenant-jwt': 'Switchboard `{ tenant { id name } }` (tenant-bound JWT, X-Tenant-Id)',
} as const;
type TargetKey = keyof typeof TARGETS;
const KEYS = picked(Object.keys(TARGETS) as TargetKey[], 'yoga', process.env.BENCH_GRAPHQL_TARGETS, ',');

const TICKS_PER_SECOND = 100;

interface Server {
  url: string;
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // After the command name (which may hold spaces): utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** bench/graphql-peer.ts in a process of its own, on this Node. */
async function startPeer(kind: 'yoga' | 'fastify'): Promise<Server> {
  const script = fileURLToPath(new URL('./graphql-peer.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, kind], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (!url) {
    url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ${kind} peer did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = child.pid!;
  return {
    url,
    cpuMs: () => cpuMsOf(pid),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const json = { 'content-type': 'application/json' };
const graphql = (query: string) => JSON.stringify({ query });

async function post(url: string, headers: Record<string, string>, query: string) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: graphql(query) });
  const body = (await response.json()) as { errors?: unknown };
  if (!response.ok || body.errors) throw new Error(`${query}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

export interface GraphQLRound {
  key: TargetKey;
  round: number;
  load: LoadResult;
  cpuMsPerRequest: number;
}

export interface GraphQLFigures {
  rounds: GraphQLRound[];
}

interface Bench {
  key: TargetKey;
  server: Server;
  target: LoadTarget;
}

async function measure(bench: Bench, round: number): Promise<GraphQLRound> {
  const before = await bench.server.cpuMs();
  const result = await load(bench.target, { connections: CONNECTIONS, durationSeconds: SECONDS });
  const cpuMs = (await bench.server.cpuMs()) - before;
  const requests = result.total ?? result.requestsPerSecond * SECONDS;
  return { key: bench.key, round, load: result, cpuMsPerRequest: cpuMs / Math.max(1, requests) };
}

export async function benchGraphQL(log: (line: string) => void): Promise<GraphQLFigures> {
  const stops: Array<() => Promise<void>> = [];
  const benches: Bench[] = [];
  let idp: OidcProviderHarness | undefined;
  try {
    if (KEYS.includes('fastify')) {
      const server = await startPeer('fastify');
      stops.push(() => server.stop());
      benches.push({ key: 'fastify', server, target: { url: `${server.url}/hello` } });
    }
    const yoga = await startPeer('yoga');
    stops.push(() => yoga.stop());
    benches.push({
      key: 'yoga',
      server: yoga,
      target: { url: `${yoga.url}/graphql`, method: 'POST', headers: json, body: graphql('{ __typename }') },
    });

    const hubKeys = KEYS.filter((key) => key !== 'fastify' && key !== 'yoga');
    if (hubKeys.length > 0) {
      const jwt = hubKeys.includes('tenant-jwt');
      if (jwt) idp = await startOidcProvider({ tenants: [TENANT], accessTokenTtlSeconds: 24 * 3600 });
      const database = await scratchDatabase();
      stops.push(() => database.drop());
      if (PROFILE_DIR) await mkdir(PROFILE_DIR, { recursive: true });
      log(`  starting the hub${REDIS_URL ? ' (PostgreSQL + Redis)' : ' (PostgreSQL)'}`);
      const hub = await startHubProcess(
        {
          EVENTSTORE_URL: database.url,
          ...(REDIS_URL ? { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: REDIS_PREFIX } : {}),
          SWITCHBOARD_OPERATOR_TOKENS: OPERATOR,
          SWITCHBOARD_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
          SWITCHBOARD_AUDIT_SIGNING_KEY: Buffer.alloc(32, 10).toString('base64'),
          // On, as in production, but with more budget than a bench can spend in a minute.
          SWITCHBOARD_RATE_LIMIT_GRAPHQL_PER_MINUTE: String(1_000_000_000),
          ...(idp ? { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience } : {}),
          NODE_ENV: 'production',
          LOG_LEVEL: 'warn',
        },
        PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [],
      );
      stops.unshift(async () => {
        await hub.stop();
        if (REDIS_URL) await deleteRedisKeys(REDIS_URL, REDIS_PREFIX);
      });
      const operator = { ...json, authorization: `Bearer ${OPERATOR}` };
      await post(
        hub.url,
        operator,
        `mutation { registerTenant(input: { id: "${TENANT}", name: "Bench" }) { id } }`,
      );
      const server: Server = { url: hub.url, cpuMs: () => hub.cpuMs(), stop: () => hub.stop() };
      const tenantQuery = graphql('{ tenant { id name } }');
      for (const key of hubKeys) {
        let headers: Record<string, string> = json;
        let body = graphql('{ providers { id } }');
        if (key === 'tenant') {
          headers = { ...operator, 'x-tenant-id': TENANT };
          body = tenantQuery;
        } else if (key === 'tenant-jwt') {
          const token = await idp!.tokenFor({ scopes: ['connections:read'], tenantId: TENANT });
          headers = { ...json, authorization: `Bearer ${token}`, 'x-tenant-id': TENANT };
          body = tenantQuery;
        }
        await post(hub.url, headers, JSON.parse(body).query);
        benches.push({ key, server, target: { url: `${hub.url}/graphql`, method: 'POST', headers, body } });
      }
    }

    log(`  warming up (${benches.length} targets)`);
    for (const bench of benches) await load(bench.target, { connections: CONNECTIONS, durationSeconds: 2 });
    const rounds: GraphQLRound[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Rotated each round, so no target always runs first (or right after the same other one).
      const order = benches.map((_, i) => benches[(i + round) % benches.length]!);
      for (const bench of order) {
        const figures = await measure(bench, round);
        log(
          `  round ${round + 1}/${ROUNDS} ${TARGETS[bench.key]}: ${fmt(figures.load.requestsPerSecond)}/s, p99 ${figures.load.p99} ms, ${figures.cpuMsPerRequest.toFixed(3)} ms CPU per request`,
        );
        rounds.push(figures);
      }
    }
    return { rounds };
  } finally {
    for (const stop of stops) await stop().catch(() => {});
    await idp?.close();
  }
}

export function graphqlTable(figures: GraphQLFigures): string {
  const yoga = figures.rounds.filter((round) => round.key === 'yoga');
  const yogaIn = (round: number) => yoga.find((entry) => entry.round === round)?.load.requestsPerSecond;
  const lines = [
    `| ${CONNECTIONS} connections, ${SECONDS} s windows, ${ROUNDS} rounds (ABAB, order rotated), each server its own process | req/s: median (range) | vs bare Yoga: median (range) of same-round ratios | p50 / p99 ms (median) | server CPU ms per request: median (range) | errors / non-2xx |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const key of KEYS) {
    const rounds = figures.rounds.filter((round) => round.key === key);
    if (rounds.length === 0) continue;
    const ratios = rounds.map((round) => round.load.requestsPerSecond / (yogaIn(round.round) ?? Number.NaN));
    lines.push(
      `| ${TARGETS[key]} | ${spread(
        rounds.map((round) => round.load.requestsPerSecond),
        fmt,
      )} | ${key === 'yoga' ? '1' : spread(ratios, (n) => `${Math.round(n * 100)}%`)} | ${median(
        rounds.map((round) => round.load.p50),
      )} / ${median(rounds.map((round) => round.load.p99))} | ${spread(
        rounds.map((round) => round.cpuMsPerRequest),
        (n) => n.toFixed(3),
      )} | ${rounds.reduce((sum, round) => sum + round.load.errors, 0)} / ${rounds.reduce(
        (sum, round) => sum + round.load.non2xx,
        0,
      )} |`,
    );
  }
  return lines.join('\n');
}
