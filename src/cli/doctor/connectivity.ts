import { existsSync } from 'node:fs';
import { createRuntime, type Runtime } from '../../app/runtime.js';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../platform/logger.js';
import { StartupError } from '../../platform/startup.js';
import { type CheckResult, fail, ok, warn, within } from './report.js';

export type Opened = { runtime: Runtime; results: CheckResult[] } | { runtime: null; results: CheckResult[] };

const where = (config: Config) => ({
  eventStore:
    config.eventStore.kind === 'pglite'
      ? `PGlite in ${config.eventStore.dataDir}`
      : config.eventStore.kind === 'postgres'
        ? `PostgreSQL (${config.eventStore.variable})`
        : 'KurrentDB (EVENTSTORE_URL)',
  readModels:
    config.readModels.kind === 'pglite'
      ? `PGlite in ${config.readModels.dataDir}`
      : `PostgreSQL (${config.readModels.variable})`,
});

/**
 * Opens the hub's dependencies as `npm start` does (runtime.ts), with nothing running: no
 * projections, sealer, refresher or sync engine, so nothing is appended to the event store. Each
 * connection gets `timeoutMs` instead of the startup timeout's retries.
 */
export async function openDependencies(config: Config, logger: Logger, timeoutMs: number): Promise<Opened> {
  const places = where(config);
  if (config.profile === 'embedded' && !existsSync(config.dataDir))
    return {
      runtime: null,
      results: [
        warn(
          'connectivity',
          `${config.dataDir} does not exist: no embedded hub has run here yet`,
          'start the hub once (npm start), or set DATA_DIR to where it keeps its data',
        ),
      ],
    };
  let runtime: Runtime;
  try {
    runtime = await createRuntime({ ...config, startupTimeoutMs: timeoutMs }, logger, {
      runProjections: false,
      runTokenRefresher: false,
      runSyncEngine: false,
      runAuditSealer: false,
    });
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    return {
      runtime: null,
      results: [
        fail(
          `connectivity.${checkOf(error.variable)}`,
          error.message,
          error.variable === 'DATA_DIR'
            ? 'stop the hub that holds DATA_DIR (the embedded profile is one process), or fix DATA_DIR'
            : `check ${error.variable}: the service must be up and reachable from this host`,
        ),
      ],
    };
  }
  const results = await Promise.all([
    ping('connectivity.eventStore', places.eventStore, 'EVENTSTORE_URL', timeoutMs, () =>
      runtime.eventStore.ping(),
    ),
    ping(
      'connectivity.readModels',
      places.readModels,
      config.readModels.kind === 'postgres' ? config.readModels.variable : 'DATA_DIR',
      timeoutMs,
      () => runtime.readModels.ping(),
    ),
    config.redisUrl
      ? ping('connectivity.redis', 'Redis (REDIS_URL)', 'REDIS_URL', timeoutMs, () => runtime.platform.ping())
      : Promise.resolve(
          ok('connectivity.redis', 'not configured: pubsub, kv and leases in memory (one process)'),
        ),
  ]);
  return { runtime, results };
}

async function ping(
  check: string,
  what: string,
  variable: string,
  timeoutMs: number,
  answer: () => Promise<void>,
): Promise<CheckResult> {
  const started = performance.now();
  try {
    await within(timeoutMs, what, answer());
    return ok(check, `${what} answered in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    return fail(check, `${what}: ${(error as Error).message}`, `check ${variable}`);
  }
}

function checkOf(variable: string): string {
  if (variable === 'REDIS_URL') return 'redis';
  if (variable === 'EVENTSTORE_URL') return 'eventStore';
  if (variable === 'DATABASE_URL') return 'database';
  if (variable === 'DATA_DIR') return 'dataDir';
  return 'startup';
}
