import type { FastifyInstance } from 'fastify';

/** One thing readiness depends on; `check` throws (or returns a failure) when it is not ready. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<
    | { ok: true; detail?: Record<string, unknown> }
    | { ok: false; reason: string; detail?: Record<string, unknown> }
  >;
}

const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: ReadinessCheck) {
  const started = performance.now();
  try {
    const result = await Promise.race([
      check.check(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref(),
      ),
    ]);
    return { name: check.name, ...result, ms: Math.round(performance.now() - started) };
  } catch (error) {
    // The reason is for operators; keep it to the message (no stack, no connection strings).
    return {
      name: check.name,
      ok: false as const,
      reason: (error as Error).message,
      ms: Math.round(performance.now() - started),
    };
  }
}

/**
 * /healthz: the process is up and serving (liveness; never touches dependencies, so a database
 * outage does not get every instance restarted). /readyz: every dependency answers and the
 * projections have caught up with the log (readiness; take the instance out of rotation otherwise).
 */
export function registerHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(checks.map(runCheck));
    const ready = results.every((result) => result.ok);
    reply.code(ready ? 200 : 503);
    return {
      status: ready ? 'ready' : 'not_ready',
      checks: Object.fromEntries(results.map(({ name, ...rest }) => [name, rest])),
    };
  });
}
