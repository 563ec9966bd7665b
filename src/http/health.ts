import type { FastifyInstance } from 'fastify';

/** One thing readiness depends on; `check` throws (or returns a failure) when it is not ready. */
export interface ReadinessCheck {
  name: string;
  /**
   * The instance serves without it (Redis: live fan-out across instances, shared budgets): its
   * failure marks the instance degraded, still ready, with the reason in the detail.
   */
  optional?: boolean;
  check(): Promise<
    | { ok: true; detail?: Record<string, unknown> }
    | { ok: false; reason: string; detail?: Record<string, unknown> }
  >;
}

/** Each check is bounded, so /readyz answers within this even when a dependency is partitioned. */
const CHECK_TIMEOUT_MS = 2000;

type CheckResult =
  | { ok: true; degraded?: true; reason?: string; detail?: Record<string, unknown>; ms: number }
  | { ok: false; reason: string; detail?: Record<string, unknown>; ms: number };

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let timer: NodeJS.Timeout | undefined;
  let result: Awaited<ReturnType<ReadinessCheck['check']>>;
  try {
    result = await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    // The reason is for operators; keep it to the message (no stack, no connection strings).
    result = { ok: false, reason: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
  if (result.ok) return { ...result, ms: ms() };
  if (check.optional)
    return { ok: true, degraded: true, reason: result.reason, detail: result.detail, ms: ms() };
  return { ...result, ms: ms() };
}

/**
 * /healthz: the process is up and serving (liveness; never touches dependencies, so a database
 * outage does not get every instance restarted). /readyz: every dependency answers and the
 * projections have caught up with the log (readiness; take the instance out of rotation otherwise).
 * An optional dependency that fails leaves it ready (200) with status `degraded`.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async (check) => ({ name: check.name, ...(await runCheck(check)) })),
    );
    const ready = results.every((result) => result.ok);
    const degraded = results.some((result) => result.ok && result.degraded);
    reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
    return {
      status: ready ? (degraded ? 'degraded' : 'ready') : 'not_ready',
      checks: Object.fromEntries(results.map(({ name, ...rest }) => [name, rest])),
    };
  });
}
