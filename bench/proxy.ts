import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { startHubProcess } from './hub-process.js';
import { fmt, scratchDatabase } from './support.js';

/**
 * The /proxy pass-through against a loopback provider that answers after 20 ms: the same undici
 * client calls the provider directly (the reference, measured in the same run) and through the hub.
 * The hub runs in a process of its own (`src/app/main.ts`); the fake provider and the load client
 * share this one, so their CPU and garbage are not charged to the hub. The hub's own overhead comes
 * from its Server-Timing `hub` entry and from the end-to-end difference; its CPU per request and
 * its RSS from /proc. BENCH_PROXY_CPU_PROF=<dir> writes a CPU profile of the hub there.
 */
const OPERATOR = 'bench-operator-token-0123456789';
const SECONDS = Number(process.env.BENCH_PROXY_SECONDS ?? 8);
const PROVIDER_MS = 20;
const STREAM_BYTES = 50 * 1024 * 1024;

interface Run {
  count: number;
  rate: number;
  p50: number;
  p99: number;
  hubP50: number | null;
  hubP99: number | null;
}

interface ProxyRun extends Run {
  /** The hub process's user + system CPU over the run ÷ requests answered, ms. */
  hubCpuMsPerRequest: number;
  /** The hub process's CPU over the run ÷ the run's wall time (1 = one core busy). */
  hubCpuShare: number;
}

export interface ProxyFigures {
  closedDirect: Run;
  closedProxy: ProxyRun;
  pacedDirect: Run;
  pacedProxy: ProxyRun;
  streamRssGrowthMb: number;
  /** The hub's CPU while no request arrives (projections, sync scheduler, timers) ÷ wall time. */
  hubIdleCpuShare: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function summary(latencies: number[], hub: number[], seconds: number): Run {
  const sorted = [...latencies].sort((a, b) => a - b);
  const hubSorted = [...hub].sort((a, b) => a - b);
  return {
    count: latencies.length,
    rate: latencies.length / seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    hubP50: hubSorted.length ? quantile(hubSorted, 0.5) : null,
    hubP99: hubSorted.length ? quantile(hubSorted, 0.99) : null,
  };
}

async function once(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  latencies: number[],
  hub: number[],
) {
  const started = performance.now();
  const response = await pool.request({ path, method: 'GET', headers });
  await response.body.dump();
  latencies.push(performance.now() - started);
  const timing = response.headers['server-timing'];
  const match = typeof timing === 'string' ? /hub;dur=([\d.]+)/.exec(timing) : null;
  if (match) hub.push(Number(match[1]));
}

async function closedLoop(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  concurrency: number,
  seconds = SECONDS,
): Promise<Run> {
  const latencies: number[] = [];
  const hub: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await once(pool, path, headers, latencies, hub);
    }),
  );
  return summary(latencies, hub, seconds);
}

/** Open loop: a request every 2 ms whatever the answers, so slow answers cannot slow the load. */
async function paced(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  perSecond: number,
): Promise<Run> {
  const latencies: number[] = [];
  const hub: number[] = [];
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let sent = 0; sent < perSecond * SECONDS; sent++) {
    const due = started + (sent * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(once(pool, path, headers, latencies, hub));
  }
  await Promise.all(inFlight);
  return summary(latencies, hub, SECONDS);
}

export async function benchProxy(log: (line: string) => void): Promise<ProxyFigures> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const provider = http.createServer({ keepAlive: true }, (request, response) => {
    const bytes = /\/bytes\/(\d+)/.exec(request.url ?? '');
    if (bytes) {
      let left = Number(bytes[1]);
      response.writeHead(200, { 'content-length': String(left) });
      const write = () => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!response.write(piece)) return void response.once('drain', write);
        }
        response.end();
      };
      return write();
    }
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true,"items":[1,2,3]}');
    }, PROVIDER_MS);
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const providerOrigin = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sb-bench-proxy-'));
  const providersFile = path.join(dir, 'providers.json');
  await writeFile(
    providersFile,
    JSON.stringify({
      providers: [
        {
          id: 'bench-api',
          displayName: 'Bench API',
          categories: ['testing'],
          auth: { mode: 'api_key', apiKey: { in: 'header', name: 'X-Api-Key' } },
          scopes: [],
          api: { baseUrl: `${providerOrigin}/v1`, allowPrivateNetwork: true },
        },
      ],
    }),
  );
  const database = await scratchDatabase();
  const profileDir = process.env.BENCH_PROXY_CPU_PROF;
  const hub = await startHubProcess(
    {
      EVENTSTORE_URL: database.url,
      SWITCHBOARD_OPERATOR_TOKENS: OPERATOR,
      SWITCHBOARD_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      SWITCHBOARD_AUDIT_SIGNING_KEY: Buffer.alloc(32, 10).toString('base64'),
      SWITCHBOARD_PROVIDERS_FILE: providersFile,
      // Silent by default, as before; BENCH_PROXY_LOG_LEVEL=info shows the cost of Fastify's request lines.
      LOG_LEVEL: process.env.BENCH_PROXY_LOG_LEVEL ?? 'silent',
    },
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      // Node flags for the hub alone (e.g. --max-semi-space-size=32), to try GC settings.
      ...(process.env.BENCH_PROXY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
  );
  const hubUrl = hub.url;
  try {
    const graphql = async (query: string, tenantId?: string) => {
      const response = await fetch(`${hubUrl}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${OPERATOR}`,
          ...(tenantId ? { 'x-tenant-id': tenantId } : {}),
        },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: Record<string, { id: string }>; errors?: unknown };
    };
    await graphql('mutation { registerTenant(input: {id: "bench", name: "bench"}) { id } }');
    let connectionId = '';
    for (let tries = 0; !connectionId && tries < 50; tries++) {
      const result = await graphql(
        'mutation { connectWithCredentials(input: {provider: "bench-api", credentials: {apiKey: "bench-key"}}) { id } }',
        'bench',
      );
      connectionId = result.data?.['connectWithCredentials']?.id ?? '';
      if (!connectionId) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!connectionId) throw new Error('the bench connection was not created');

    const direct = new Pool(providerOrigin, { connections: 128 });
    const viaHub = new Pool(hubUrl, { connections: 128 });
    const proxyHeaders = { authorization: `Bearer ${OPERATOR}`, 'x-tenant-id': 'bench' };
    const proxyPath = `/proxy/${connectionId}/items`;
    const stream = async (bytes: number) => {
      const response = await viaHub.request({
        path: `/proxy/${connectionId}/bytes/${bytes}`,
        method: 'GET',
        headers: proxyHeaders,
      });
      let received = 0;
      for await (const piece of response.body) received += (piece as Buffer).length;
      if (received !== bytes) throw new Error(`streamed ${received} bytes of ${bytes}`);
    };
    /** A run through the hub, with the hub's CPU time over it. */
    const measured = async (run: () => Promise<Run>): Promise<ProxyRun> => {
      const cpuBefore = await hub.cpuMs();
      const started = performance.now();
      const result = await run();
      const wallMs = performance.now() - started;
      const cpuMs = (await hub.cpuMs()) - cpuBefore;
      return { ...result, hubCpuMsPerRequest: cpuMs / result.count, hubCpuShare: cpuMs / wallMs };
    };

    log('  warm-up (and a 1 MB stream, so the streaming path is loaded before it is measured)');
    await closedLoop(viaHub, proxyPath, proxyHeaders, 50, 2).catch(() => null);
    await stream(1024 * 1024);

    log('  the hub idle for 3 s (its background CPU)');
    const idleCpuBefore = await hub.cpuMs();
    const idleStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const hubIdleCpuShare = ((await hub.cpuMs()) - idleCpuBefore) / (performance.now() - idleStarted);

    // Measured before the load runs, whose garbage would otherwise already have grown the heap.
    log('  streaming 50 MB through /proxy (RSS of the hub process)');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rssBefore = await hub.rssBytes();
    await hub.resetPeakRss();
    await stream(STREAM_BYTES);
    const streamRssGrowthMb = ((await hub.peakRssBytes()) - rssBefore) / (1024 * 1024);

    log('  closed loop, 50 concurrent: direct, then through /proxy');
    const closedDirect = await closedLoop(direct, '/v1/items', {}, 50);
    const closedProxy = await measured(() => closedLoop(viaHub, proxyPath, proxyHeaders, 50));
    log('  paced, 500 req/s: direct, then through /proxy');
    const pacedDirect = await paced(direct, '/v1/items', {}, 500);
    const pacedProxy = await measured(() => paced(viaHub, proxyPath, proxyHeaders, 500));
    await Promise.all([direct.close(), viaHub.close()]);
    return { closedDirect, closedProxy, pacedDirect, pacedProxy, streamRssGrowthMb, hubIdleCpuShare };
  } finally {
    await hub.stop();
    await database.drop();
    provider.closeAllConnections();
    await new Promise<void>((resolve) => provider.close(() => resolve()));
  }
}

const ms = (value: number | null) => (value === null ? '' : value.toFixed(2));

export function proxyTable(figures: ProxyFigures): string {
  const row = (label: string, run: Run | ProxyRun, reference: Run, aim: string) => {
    const cpu = 'hubCpuMsPerRequest' in run;
    return `| ${label} | ${fmt(run.rate)} | ${(run.rate / reference.rate).toFixed(2)} | ${ms(run.p50)} | ${ms(run.p99)} | ${ms(run.hubP50)} | ${ms(run.hubP99)} | ${cpu ? run.hubCpuMsPerRequest.toFixed(3) : ''} | ${cpu ? `${Math.round(run.hubCpuShare * 100)} %` : ''} | ${aim} |`;
  };
  return [
    `Provider answers after ${PROVIDER_MS} ms; ratio = through /proxy ÷ direct, same client, same run (${SECONDS} s each). The hub runs in its own process (src/app/main.ts); the fake provider and the load client share the bench process. Hub CPU from /proc/<pid>/stat over the run (user + system).`,
    '',
    '| run | req/s | ratio | p50 ms | p99 ms | hub p50 ms | hub p99 ms | hub CPU ms/req | hub CPU | aim |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    row('closed loop, 50 concurrent, direct', figures.closedDirect, figures.closedDirect, ''),
    row('closed loop, 50 concurrent, /proxy', figures.closedProxy, figures.closedDirect, '≥ 1,500 req/s'),
    row('paced 500 req/s, direct', figures.pacedDirect, figures.pacedDirect, ''),
    row('paced 500 req/s, /proxy', figures.pacedProxy, figures.pacedDirect, 'hub p50 < 1 ms, p99 < 5 ms'),
    '',
    `Hub CPU while idle (no requests; projections, sync scheduler, timers): ${(figures.hubIdleCpuShare * 100).toFixed(1)} % of a core, included in the per-request figures above.`,
    '',
    `End-to-end overhead (p50 through /proxy − p50 direct, paced 500 req/s): ${(figures.pacedProxy.p50 - figures.pacedDirect.p50).toFixed(2)} ms; p99: ${(figures.pacedProxy.p99 - figures.pacedDirect.p99).toFixed(2)} ms.`,
    '',
    `RSS growth of the hub process while streaming 50 MB through /proxy (peak VmHWM − RSS before, measured before the load runs): ${figures.streamRssGrowthMb.toFixed(1)} MB (aim < 64 MB).`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchProxy((line) => console.log(line));
  console.log(`\n${proxyTable(figures)}`);
}
