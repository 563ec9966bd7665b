import { randomUUID } from 'node:crypto';
import { systemCaller } from '../../src/commands/deps.js';
import type { SyncDeps } from '../../src/sync/sync-deps.js';
import { SyncEngine } from '../../src/sync/sync-engine.js';
import { startTestHub, type TestHub } from './hub.js';
import { writeProvidersFile } from './loopback-providers.js';
import { registerTenant } from './register-tenant.js';

/**
 * A hub over a scratch PostgreSQL database with a custom provider that `extends` a built-in and
 * points its API at a loopback fake, a tenant, and an api_key connection to it: what a sync test
 * needs, with the engine driven by `tick()` instead of timers.
 */
export interface SyncWorld {
  hub: TestHub;
  tenantId: string;
  connectionId: string;
  provider: string;
  /** The SWITCHBOARD_PROVIDERS_FILE the hub was started with (for other processes of the same world). */
  providersFile: string;
  engine: SyncEngine;
  deps: SyncDeps;
  /** Another engine over the same hub (a second instance), with its own worker id. */
  secondEngine(): SyncEngine;
  /** Ticks until no run is queued or running (or the deadline passes). */
  drain(engine?: SyncEngine, timeoutMs?: number): Promise<void>;
  /**
   * Runs drained, then every projection at the head of the log twice: the sync signals reactor
   * appends signals after the first head, which the signals projection then applies.
   */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface SyncWorldOptions {
  base: string;
  baseUrl: string;
  token: string;
  /** Extra manifest fields for the extension (budgets, headers). */
  overrides?: Record<string, unknown>;
  env?: Record<string, string>;
  /** The embedded profile (PGlite) in this directory instead of a scratch PostgreSQL database. */
  dataDir?: string;
}

export async function startSyncWorld(options: SyncWorldOptions): Promise<SyncWorld> {
  const provider = `${options.base}-local`;
  const file = await writeProvidersFile([
    {
      id: provider,
      extends: options.base,
      displayName: `${options.base} (loopback fake)`,
      api: { baseUrl: options.baseUrl },
      auth: {
        alternatives: [
          { mode: 'api_key', apiKey: { in: 'header', name: 'Authorization', prefix: 'Bearer ' } },
        ],
      },
      ...options.overrides,
    },
  ]);
  const hub = await startTestHub({
    dataDir: options.dataDir,
    env: { SWITCHBOARD_PROVIDERS_FILE: file.path, SWITCHBOARD_SYNC_LEASE_TTL_SECONDS: '2', ...options.env },
  });
  const tenantId = `t${randomUUID().slice(0, 8)}`;
  await registerTenant(hub, tenantId);
  const caller = systemCaller('test', randomUUID());
  const connection = await hub.runtime.connections.connectWithCredentials(caller, tenantId, {
    provider,
    credentials: { apiKey: options.token },
    verify: false,
  });
  const { runtime } = hub;
  // The hub's own engine (vault credentials, the rate gate), also ticking on its own timer.
  const engine = runtime.syncs;
  const deps = engine.deps;
  const engines: SyncEngine[] = [];
  const world: SyncWorld = {
    hub,
    tenantId,
    connectionId: connection.id,
    provider,
    providersFile: file.path,
    engine,
    deps,
    secondEngine() {
      const second = new SyncEngine({ ...deps, workerId: `worker-${engines.length + 2}` }, { workers: 2 });
      engines.push(second);
      return second;
    },
    async drain(which = engine, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await which.tick();
        await which.worker.idle();
        const open = await runtime.readModels.prisma.syncRun.count({
          where: { tenantId, status: { in: ['QUEUED', 'RUNNING', 'EXPIRED'] } },
        });
        if (open === 0) {
          await runtime.projections.waitFor(await runtime.eventStore.headPosition(), { timeoutMs: 30_000 });
          const again = await runtime.readModels.prisma.syncRun.count({
            where: { tenantId, status: { in: ['QUEUED', 'RUNNING', 'EXPIRED'] } },
          });
          if (again === 0) return;
        }
        if (Date.now() > deadline) throw new Error('sync runs did not drain in time');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async settle() {
      await world.drain();
      for (let round = 0; round < 2; round++)
        await runtime.projections.waitFor(await runtime.eventStore.headPosition(), { timeoutMs: 30_000 });
    },
    async close() {
      for (const each of engines) await each.close();
      await hub.close();
      await file.remove();
    },
  };
  return world;
}
