import autocannon from 'autocannon';

/** Child process of bench/load.ts: reads one job on stdin, prints its result as JSON. */
let input = '';
for await (const chunk of process.stdin) input += chunk;
const job = JSON.parse(input) as {
  target: {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    generator?: { module: string; options: unknown };
  };
  connections: number;
  durationSeconds: number;
  overallRate?: number;
};
type Generated = { path?: string; headers?: Record<string, string>; body?: string };
let requests: autocannon.Request[] | undefined;
if (job.target.generator) {
  const module = (await import(job.target.generator.module)) as {
    createRequestGenerator(options: unknown): () => Generated;
  };
  const next = module.createRequestGenerator(job.target.generator.options);
  requests = [{ setupRequest: (request) => ({ ...request, ...next() }) }];
}
const result = await autocannon({
  url: job.target.url,
  method: (job.target.method ?? 'GET') as 'GET',
  headers: job.target.headers,
  body: job.target.body,
  requests,
  connections: job.connections,
  duration: job.durationSeconds,
  ...(job.overallRate ? { overallRate: job.overallRate } : {}),
});
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }),
);
