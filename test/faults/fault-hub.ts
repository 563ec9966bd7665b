import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/app/create-app.js';
import { createRuntime, type Runtime } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/config.js';
import { systemCaller } from '../../src/connections/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { githubHeaders } from '../ingress/sign.js';
import { OPERATOR_TOKEN, TEST_AUDIT_SIGNING_KEY, TEST_MASTER_KEY } from '../support/hub.js';
import { createScratchDatabase, POSTGRES_URL, REDIS_URL, uniqueRedisPrefix } from '../support/services.js';
import { startTcpForwarder, type TcpForwarder } from '../support/tcp-forwarder.js';

/** The hub in this process on PostgreSQL and Redis, each reached through a TCP forwarder. */
export interface FaultHub {
  url: string;
  runtime: Runtime;
  app: FastifyInstance;
  postgres: TcpForwarder;
  redis: TcpForwarder;
  tenantId: string;
  webhook: { url: string; secret: string };
  close(): Promise<void>;
}

const hostAndPort = (url: string, fallback: number) => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || fallback) };
};

export async function startFaultHub(env: Record<string, string> = {}): Promise<FaultHub> {
  const database = await createScratchDatabase();
  const postgres = await startTcpForwarder(hostAndPort(POSTGRES_URL, 5432));
  const redis = await startTcpForwarder(hostAndPort(REDIS_URL, 6379));
  const config = loadConfig({
    EVENTSTORE_URL: postgres.url(database.url),
    REDIS_URL: redis.url(REDIS_URL),
    SWITCHBOARD_REDIS_PREFIX: uniqueRedisPrefix(),
    SWITCHBOARD_OPERATOR_TOKENS: OPERATOR_TOKEN,
    SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
    SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'silent',
    SWITCHBOARD_STARTUP_TIMEOUT_SECONDS: '10',
    ...env,
  });
  const runtime = await createRuntime(config, createLogger({ level: config.logLevel }));
  const app = await createApp(runtime);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const tenantId = `faults-${randomUUID().slice(0, 8)}`;
  const registered = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` },
    body: JSON.stringify({
      query: `mutation { registerTenant(input: { id: "${tenantId}", name: "Faults" }) { id } }`,
    }),
  });
  const answer = await registered.text();
  if (!answer.includes(`"id":"${tenantId}"`)) throw new Error(`could not register the tenant: ${answer}`);
  const connection = await runtime.connections.createWebhookConnection(
    systemCaller('test', 'faults'),
    tenantId,
    {
      provider: 'github',
      displayName: 'github for faults',
      secret: null,
    },
  );
  return {
    url,
    runtime,
    app,
    postgres,
    redis,
    tenantId,
    // connection.url is on SWITCHBOARD_PUBLIC_URL; the hub listens on a port of its own.
    webhook: { url: `${url}/webhooks/github/${connection.connectionId}`, secret: connection.secret },
    async close() {
      await postgres.up();
      await redis.up();
      await app.close();
      await runtime.close();
      await postgres.close();
      await redis.close();
      await database.drop();
    },
  };
}

/** What one request got, and how long it took (ms); `status` 0 when no answer came in `limitMs`. */
export type ProbeName = 'query' | 'mutation' | 'webhook' | 'oauthCallback' | 'readyz';

export interface Answer {
  probe: ProbeName;
  ms: number;
  status: number;
  /** GraphQL's extensions.code or problem+json's code. */
  code: string | null;
  /** A REST body's `status`: /readyz's ready, degraded or not_ready; a delivery's accepted or duplicate. */
  outcome: string | null;
  retryAfter: string | null;
}

/** Every request a client of the hub makes, each answered with its status and stable code. */
type Probe = () => Promise<Omit<Answer, 'probe' | 'ms'>>;

export function probes(
  hub: FaultHub,
): Record<'query' | 'mutation' | 'webhook' | 'oauthCallback' | 'readyz', Probe> {
  const graphql = async (query: string) => {
    const response = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${OPERATOR_TOKEN}`,
        'x-tenant-id': hub.tenantId,
      },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(LIMIT_MS),
    });
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    return {
      status: response.status,
      code: body.errors?.[0]?.extensions?.code ?? null,
      outcome: null,
      retryAfter: response.headers.get('retry-after'),
    };
  };
  const rest = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(LIMIT_MS) });
    const text = await response.text();
    let body: { code?: string; status?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {}
    return {
      status: response.status,
      code: body.code ?? null,
      outcome: typeof body.status === 'string' ? body.status : null,
      retryAfter: response.headers.get('retry-after'),
    };
  };
  return {
    query: () => graphql('{ tenant { id name } connections(first: 5) { edges { node { id } } } }'),
    // A new tenant each time: concurrent renames of one tenant would conflict with each other.
    mutation: () =>
      graphql(
        `mutation { registerTenant(input: { id: "f-${randomUUID().slice(0, 8)}", name: "Faults" }) { id } }`,
      ),
    webhook: () => {
      const body = JSON.stringify({
        action: 'opened',
        // A body of its own each time: the replay guard answers a repeated body as a duplicate.
        issue: {
          number: 1,
          title: `fault suite ${randomUUID()}`,
          html_url: 'https://github.com/o/r/issues/1',
          user: { login: 'a' },
        },
        repository: { full_name: 'o/r' },
        sender: { login: 'a' },
      });
      return rest(hub.webhook.url, {
        method: 'POST',
        headers: githubHeaders(hub.webhook.secret, 'issues', body),
        body,
      });
    },
    oauthCallback: () => rest(`${hub.url}/oauth/callback?state=${randomUUID()}&code=x`),
    readyz: () => rest(`${hub.url}/readyz`),
  };
}

const NO_ANSWER = { status: 0, code: null, outcome: null, retryAfter: null };

/** How long a request may take to be answered during an outage. */
export const LIMIT_MS = 5_000;

/** Every probe once, together. */
function askAll(hub: FaultHub): Promise<Answer[]> {
  return Promise.all(
    (Object.entries(probes(hub)) as Array<[ProbeName, Probe]>).map(async ([probe, ask]) => {
      const started = performance.now();
      const answer = await ask().catch(() => NO_ANSWER);
      return { probe, ms: Math.round(performance.now() - started), ...answer };
    }),
  );
}

/** Fires every probe together every `everyMs` for `durationMs`; every answer (or its absence) is kept. */
export async function probeFor(hub: FaultHub, durationMs: number, everyMs = 500): Promise<Answer[]> {
  const answers: Answer[] = [];
  const until = Date.now() + durationMs;
  const rounds: Array<Promise<void>> = [];
  while (Date.now() < until) {
    rounds.push(askAll(hub).then((round) => void answers.push(...round)));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await Promise.all(rounds);
  return answers;
}

/** Probes until every one succeeds in one round; how long that took (ms), or throws after `limitMs`. */
export async function recovery(hub: FaultHub, limitMs = 20_000): Promise<number> {
  const started = Date.now();
  let last: Answer[] = [];
  while (Date.now() - started < limitMs) {
    last = await askAll(hub);
    if (
      last.every((answer) => succeeded(answer) && (answer.probe !== 'readyz' || answer.outcome === 'ready'))
    )
      return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not recovered within ${limitMs} ms: ${JSON.stringify(last)}`);
}

/** A healthy answer: GraphQL without errors, a webhook acknowledged, ready, the callback's own 400 page. */
export function succeeded(answer: Answer): boolean {
  if (answer.probe === 'oauthCallback') return answer.status === 400;
  return answer.status === 200 && answer.code === null;
}

/** The slowest answer per probe, for the report. */
export function worst(answers: readonly Answer[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const answer of answers) result[answer.probe] = Math.max(result[answer.probe] ?? 0, answer.ms);
  return result;
}
