import { createServer } from 'node:http';
import Fastify from 'fastify';
import { createSchema, createYoga } from 'graphql-yoga';
import { createApp } from '../src/app/create-app.js';
import { createRuntime } from '../src/app/runtime.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/platform/logger.js';
import { type LoadResult, load } from './load.js';
import { scratchDatabase } from './support.js';

const CONNECTIONS = 50;
const DURATION = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const OPERATOR = 'bench-operator-token-0123456789';

const json = { 'content-type': 'application/json' };
const graphql = (query: string) => JSON.stringify({ query });

async function listen(server: {
  listen: (port: number, host: string, cb: () => void) => unknown;
  address: () => unknown;
}) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

export interface GraphQLFigures {
  rows: Array<{ label: string; result: LoadResult }>;
}

export async function benchGraphQL(log: (line: string) => void): Promise<GraphQLFigures> {
  const rows: GraphQLFigures['rows'] = [];
  const measure = async (label: string, target: Parameters<typeof load>[0]) => {
    log(`  ${label}`);
    // A short warm-up so JIT and caches are hot before the measured run.
    await load(target, { connections: CONNECTIONS, durationSeconds: 2 });
    rows.push({ label, result: await load(target, { connections: CONNECTIONS, durationSeconds: DURATION }) });
  };

  const bareFastify = Fastify();
  bareFastify.get('/hello', async () => ({ hello: 'world' }));
  const fastifyUrl = await bareFastify.listen({ port: 0, host: '127.0.0.1' });
  await measure('bare Fastify route (GET /hello)', { url: `${fastifyUrl}/hello` });
  await bareFastify.close();

  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello: String }' }),
    logging: false,
  });
  const yogaServer = createServer(yoga);
  const yogaUrl = await listen(yogaServer);
  await measure('bare Yoga server ({ __typename })', {
    url: `${yogaUrl}/graphql`,
    method: 'POST',
    headers: json,
    body: graphql('{ __typename }'),
  });
  yogaServer.close();

  const database = await scratchDatabase();
  const config = loadConfig({
    EVENTSTORE_URL: database.url,
    SWITCHBOARD_OPERATOR_TOKENS: OPERATOR,
    SWITCHBOARD_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    SWITCHBOARD_AUDIT_SIGNING_KEY: Buffer.alloc(32, 10).toString('base64'),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  const runtime = await createRuntime(config, createLogger({ level: 'warn' }));
  const app = await createApp(runtime);
  // Fastify logs every request at info; a benchmark measures the API, not the logger.
  app.log.level = 'warn';
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const operator = { ...json, authorization: `Bearer ${OPERATOR}` };
  await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: operator,
    body: graphql('mutation { registerTenant(input: { id: "bench", name: "Bench" }) { id } }'),
  });
  try {
    await measure('Switchboard { providers { id } }', {
      url: `${url}/graphql`,
      method: 'POST',
      headers: json,
      body: graphql('{ providers { id } }'),
    });
    await measure('Switchboard { tenant { id name } } (operator, X-Tenant-Id)', {
      url: `${url}/graphql`,
      method: 'POST',
      headers: { ...operator, 'x-tenant-id': 'bench' },
      body: graphql('{ tenant { id name status } }'),
    });
  } finally {
    await app.close();
    await runtime.close();
    await database.drop();
  }
  return { rows };
}

export function graphqlTable(figures: GraphQLFigures): string {
  const yoga = figures.rows.find((row) => row.label.startsWith('bare Yoga'))?.result.requestsPerSecond ?? 0;
  return [
    `| target (${CONNECTIONS} connections, ${DURATION} s) | req/s | p50 ms | p99 ms | vs bare Yoga | errors / non-2xx |`,
    '|---|---:|---:|---:|---:|---:|',
    ...figures.rows.map(
      ({ label, result }) =>
        `| ${label} | ${Math.round(result.requestsPerSecond).toLocaleString('en-US')} | ${result.p50} | ${result.p99} | ${
          yoga ? `${Math.round((result.requestsPerSecond / yoga) * 100)}%` : '–'
        } | ${result.errors} / ${result.non2xx} |`,
    ),
  ].join('\n');
}
