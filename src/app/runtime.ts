import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { type AuditServices, createAuditServices } from '../audit/index.js';
import { type Authenticator, createAuthenticator } from '../auth/authenticate.js';
import type { Config } from '../config/config.js';
import { type ConnectionServices, createConnectionServices } from '../connections/index.js';
import { ProviderCatalog } from '../connectors/catalog.js';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import type { EventStore } from '../eventstore/port.js';
import { createPgliteEventStore, createPostgresEventStore } from '../eventstore/sql/index.js';
import { tracedEventStore } from '../eventstore/traced-event-store.js';
import type { ReadinessCheck } from '../http/health.js';
import { createHubMetrics, createMetricsRegistry, type HubMetrics } from '../observability/metrics/index.js';
import { detachedPublishing } from '../platform/detached-publishing.js';
import { createMemoryPlatform, createRedisPlatform, type Platform } from '../platform/index.js';
import type { Logger } from '../platform/logger.js';
import type { PostgresTimeouts } from '../platform/postgres.js';
import { openPrivateDataDir } from '../platform/private-files.js';
import { connectWithRetry, StartupError } from '../platform/startup.js';
import { allProjections, createProjectionRunner, type ProjectionRunner } from '../projections/index.js';
import { liveFeedProjection } from '../projections/read-models/live-feed.js';
import { withLivePublishing } from '../projections/read-models/live-publishing.js';
import type { ActionDeps } from '../proxy/actions/index.js';
import { recordActionCall } from '../proxy/audit/action-call.js';
import { CallRecorder } from '../proxy/call-recorder.js';
import {
  ConnectionTargets,
  CredentialCache,
  createProxyService,
  followCredentialNotices,
  type ProxyService,
} from '../proxy/index.js';
import { type DataDirLock, lockDataDir } from '../readmodels/data-dir-lock.js';
import { openReadModels, type ReadModels } from '../readmodels/database.js';
import { DataDirLockedError, MigrationFailedError } from '../readmodels/errors.js';
import { CREDENTIALS_CHANGED_TOPIC } from '../readmodels/queries/credential-changes.js';
import { deadLetterBacklog } from '../readmodels/queries/dead-letter-backlog.js';
import { BadUserInputError } from '../shared/errors.js';
import { createProviderRateGate, vaultCredentials } from '../sync/provider-client/index.js';
import { syncSignalsReactor } from '../sync/signals-from-records.js';
import { SyncEngine } from '../sync/sync-engine.js';
import { loadLocalKms, PrismaTenantKeyStore, TokenVault } from '../vault/index.js';
import { announceKeyChanges, followKeyNotices, KEY_NOTICES_TOPIC } from '../vault/key-notices.js';

/**
 * The composition root: the only place that turns configuration into adapters. Everything else
 * receives what it needs from here.
 */
export interface Runtime {
  config: Config;
  logger: Logger;
  eventStore: EventStore;
  readModels: ReadModels;
  platform: Platform;
  projections: ProjectionRunner;
  catalog: ProviderCatalog;
  authenticator: Authenticator;
  vault: TokenVault;
  /** OAuth broker, token checkout and refresh, revocation, tenant deletion (src/connections). */
  connections: ConnectionServices;
  /** Sync engine: commands, and (with workers) the scheduler and run loops (src/sync). */
  syncs: SyncEngine;
  /** The /proxy pass-through: provider calls with a connection's credentials (src/proxy). */
  proxy: ProxyService;
  /** The audit record of every proxy call and action (src/proxy/call-recorder.ts). */
  callRecorder: CallRecorder;
  /** What declared provider actions run with (src/proxy/actions): GraphQL and MCP invoke them. */
  actions: ActionDeps;
  /** Signed seals over the log, their verification and inclusion proofs (src/audit). */
  audit: AuditServices;
  /** The hub's metrics and the registry /metrics serves them from (one per runtime). */
  metrics: HubMetrics & { registry: Registry };
  readiness: ReadinessCheck[];
  /** A one-paragraph description of the adapters chosen, printed at startup. */
  describe(): string[];
  close(): Promise<void>;
}

/** Retrying cannot fix these: a locked data dir, a failed migration, a malformed connection string. */
const notRetryable = (error: unknown) =>
  !(
    error instanceof DataDirLockedError ||
    error instanceof MigrationFailedError ||
    error instanceof BadUserInputError
  );

async function openEventStore(config: Config, logger: Logger, deadline: number): Promise<EventStore> {
  const target = config.eventStore;
  if (target.kind === 'pglite') return createPgliteEventStore({ dataDir: target.dataDir });
  if (target.kind === 'postgres') {
    return connectWithRetry(
      {
        what: 'event store (PostgreSQL)',
        variable: target.variable,
        deadline,
        logger,
        retryable: notRetryable,
      },
      () => createPostgresEventStore(target.url, { timeouts: postgresTimeouts(config) }),
    );
  }
  // Loaded only when used: the gRPC client is heavy and must not share a process with another ESDB client.
  const { createKurrentDbEventStore } = await import('../eventstore/kurrentdb/index.js');
  return connectWithRetry(
    {
      what: 'event store (KurrentDB)',
      variable: 'EVENTSTORE_URL',
      deadline,
      logger,
      retryable: notRetryable,
    },
    async () => {
      const store = createKurrentDbEventStore(target.url);
      try {
        await store.ping();
        return store;
      } catch (error) {
        await store.close().catch(() => {});
        throw error;
      }
    },
  );
}

async function openPlatform(config: Config, logger: Logger, deadline: number): Promise<Platform> {
  const url = config.redisUrl;
  if (!url) return createMemoryPlatform();
  return connectWithRetry({ what: 'Redis', variable: 'REDIS_URL', deadline, logger }, () =>
    createRedisPlatform(url, {
      prefix: config.redisPrefix,
      commandTimeoutMs: config.timeouts.redisCommandMs,
      onError: (error) => logger.warn({ err: error.message }, 'redis connection error'),
    }),
  );
}

export interface RuntimeOptions {
  /** Start the projection runner (default). The replay CLI's verify reads only. */
  runProjections?: boolean;
  /** Run the proactive token refresher (default: when projections run). */
  runTokenRefresher?: boolean;
  /** Scan interval of the proactive token refresher (default 15 s). */
  tokenRefreshIntervalMs?: number;
  /** Run the sync scheduler and workers (default: when projections run). */
  runSyncEngine?: boolean;
  /** Seal the log (default: when projections run). A one-off command (replay) appends no seals. */
  runAuditSealer?: boolean;
}

export async function createRuntime(
  config: Config,
  logger: Logger,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const deadline = Date.now() + config.startupTimeoutMs;
  const opened: Array<{ close(): Promise<void> }> = [];
  let lock: DataDirLock | null = null;
  try {
    if (config.eventStore.kind === 'pglite' || config.readModels.kind === 'pglite') {
      // One process per data directory: PGlite would let a second one in and corrupt it.
      lock = await lockDataDir(config.dataDir).catch((error) => {
        throw error instanceof DataDirLockedError
          ? new StartupError('DATA_DIR', error.message, { cause: error })
          : error;
      });
      await openPrivateDataDir(config.dataDir, logger);
    }
    // The providers file is configuration: a bad one stops startup before anything is opened.
    const catalog = await ProviderCatalog.load(config.providersFile ?? undefined).catch((error) => {
      throw new StartupError('SWITCHBOARD_PROVIDERS_FILE', (error as Error).message, { cause: error });
    });
    const metrics = createHubMetrics(createMetricsRegistry(), {
      providers: catalog.list().map((manifest) => manifest.id),
      tenantLabel: config.metrics.tenantLabel,
      onCollectError: (metric, error) => logger.warn({ err: error, metric }, 'a metric could not be read'),
    });
    const authenticator = createAuthenticator({
      operatorTokens: config.operatorTokens,
      oidc: config.oidc,
      logger,
    });
    // Production without a master key refuses to start here, before any database is touched.
    const kms = await loadLocalKms(config, logger);
    const openedStore = await openEventStore(config, logger, deadline);
    opened.push(openedStore);
    // Traced only when tracing is on: off, appends take the bare store's path.
    const eventStore = config.tracing.enabled ? tracedEventStore(openedStore) : openedStore;
    const readModelsTarget = config.readModels;
    const readModels = await connectWithRetry(
      {
        what: `read-model database (${readModelsTarget.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'})`,
        variable: readModelsTarget.kind === 'pglite' ? 'DATA_DIR' : readModelsTarget.variable,
        deadline,
        logger,
        retryable: notRetryable,
      },
      () => openReadModels({ ...readModelsTarget, logger, timeouts: postgresTimeouts(config) }),
    );
    opened.push(readModels);
    const platform = await openPlatform(config, logger, deadline);
    opened.push(platform);
    const vault = new TokenVault({
      kms,
      keys: new PrismaTenantKeyStore(readModels.prisma),
      onKeysChanged: announceKeyChanges(platform.pubsub, logger),
    });
    // Ends when the platform closes its pubsub, with the runtime.
    followKeyNotices(vault, platform.pubsub.subscribe(KEY_NOTICES_TOPIC)).catch((error: unknown) => {
      logger.error({ err: error }, 'key change notices stopped; cached data keys now live out their TTL');
    });
    // Live updates go out after the read models commit, without ever holding up a projection.
    const livePubSub = detachedPublishing(platform.pubsub, { logger: logger.child({ component: 'live' }) });
    // The live feed publishes after the read models commit; it waits on the runner it belongs to.
    let runner: ProjectionRunner | undefined;
    const liveFeed = liveFeedProjection({
      pubsub: livePubSub,
      waitFor: (position) => runner!.waitFor(position, { timeoutMs: 30_000, skipStopped: true }),
    });
    const projections = createProjectionRunner({
      eventStore,
      readModels,
      logger,
      vault,
      projections: [
        ...withLivePublishing(allProjections({ vault }), livePubSub, vault, metrics),
        liveFeed,
        // Appends signals (not a read model): the live runner only, never replay or verify.
        syncSignalsReactor({ eventStore, vault, catalog }),
      ],
    });
    runner = projections;
    metrics.observeProjections(() => projections.lag());
    metrics.observeDeadLetters(() => deadLetterBacklog(readModels.prisma));
    if (options.runProjections !== false) {
      await projections.start();
      opened.push({ close: () => projections.stop() });
    }

    const connections = createConnectionServices(
      {
        eventStore,
        prisma: readModels.prisma,
        vault,
        catalog,
        kv: platform.kv,
        leases: platform.leases,
        projections,
        logger: logger.child({ component: 'connections' }),
        publicUrl: config.publicUrl,
        redirectAllowlist: config.redirectAllowlist,
        now: () => new Date(),
        providerTimeoutMs: 10_000,
        retry: { retries: 3, baseMs: 250, maxMs: 5_000 },
        readYourWritesTimeoutMs: 5_000,
      },
      { proactive: { intervalMs: options.tokenRefreshIntervalMs }, refresh: { metrics } },
    );
    if (options.runTokenRefresher ?? options.runProjections !== false) {
      connections.proactiveRefresher.start();
      opened.push({ close: () => connections.proactiveRefresher.stop() });
    }

    // One rate gate for syncs, the proxy and actions: a connection's provider budget is one budget.
    const rateGate = createProviderRateGate({
      rateGovernor: (budgets) => platform.rateGovernor(budgets),
      // Holds are shared through Redis. In memory (one process) this gate's own holds are all there
      // is, so each call skips a lookup in the process's KV raced against a 200 ms timer.
      kv: config.redisUrl ? platform.kv : undefined,
      onFallback: (error) => logger.warn({ err: error }, 'provider rate limits decided in this process only'),
      metrics,
    });
    const credentials = (target: { tenantId: string; connectionId: string }, manifest: ProviderManifest) =>
      vaultCredentials({ checkout: connections, manifest, ...target });

    const syncs = new SyncEngine(
      {
        eventStore,
        prisma: readModels.prisma,
        vault,
        catalog,
        leases: platform.leases,
        projections,
        logger: logger.child({ component: 'sync' }),
        now: () => new Date(),
        credentials,
        rateGate,
        workerId: `${hostname()}:${process.pid}`,
        leaseTtlMs: config.sync.leaseTtlMs,
        readYourWritesTimeoutMs: 5_000,
        metrics,
      },
      { workers: config.sync.workers },
    );
    if (options.runSyncEngine ?? options.runProjections !== false) {
      syncs.start();
      opened.push({ close: () => syncs.close() });
    }

    const callRecorder = new CallRecorder({
      eventStore,
      vault,
      logger: logger.child({ component: 'call-audit' }),
    });
    // Closed before the event store (resources close in reverse): its queued records go first.
    opened.push(callRecorder);
    const proxyCredentials = new CredentialCache({ checkout: connections });
    const proxyConnections = new ConnectionTargets(readModels.prisma);
    // Ends when the platform closes its pubsub, with the runtime.
    void followCredentialNotices(
      () => platform.pubsub.subscribe(CREDENTIALS_CHANGED_TOPIC),
      [proxyCredentials, proxyConnections],
      (error) =>
        logger.warn({ err: error }, 'credential notices interrupted; proxy caches live out their TTL'),
    );
    const proxy = createProxyService({
      connections: proxyConnections,
      catalog,
      checkout: proxyCredentials,
      rateGate,
      logger: logger.child({ component: 'proxy' }),
      audit: callRecorder,
      metrics,
    });
    opened.push(proxy);
    const actions: ActionDeps = {
      catalog,
      prisma: readModels.prisma,
      credentials,
      rateGate,
      kv: platform.kv,
      // Every provider call of an action is in the calls stream before the action answers.
      onCallFinished: (record) => recordActionCall(callRecorder, record),
      metrics,
    };

    // Seals follow the log wherever projections run; a read-only process holds no signing key.
    const sealing = options.runAuditSealer ?? options.runProjections !== false;
    const audit = await createAuditServices(
      {
        eventStore,
        prisma: readModels.prisma,
        leases: platform.leases,
        logger: logger.child({ component: 'audit' }),
        config,
      },
      { seal: sealing },
    );
    if (audit.sealer) {
      audit.sealer.start();
      const sealer = audit.sealer;
      opened.push({ close: () => sealer.close() });
    }

    const readiness: ReadinessCheck[] = [
      { name: 'eventStore', check: () => pinged(eventStore, { kind: eventStore.kind }) },
      { name: 'readModels', check: () => pinged(readModels, { kind: readModels.kind }) },
      // Ingestion and the API work without Redis: its absence degrades live fan-out, not readiness.
      { name: 'platform', optional: true, check: () => pinged(platform) },
      { name: 'projections', check: () => projections.readiness() },
    ];
    const heldLock = lock;
    return {
      config,
      logger,
      eventStore,
      readModels,
      platform,
      projections,
      catalog,
      authenticator,
      vault,
      connections,
      syncs,
      proxy,
      callRecorder,
      actions,
      audit,
      metrics,
      readiness,
      describe: () => describeRuntime(config),
      async close() {
        for (const resource of opened.reverse())
          await resource.close().catch((error) => logger.error({ err: error }, 'close failed'));
        await heldLock?.release();
      },
    };
  } catch (error) {
    for (const resource of opened.reverse()) await resource.close().catch(() => {});
    await lock?.release();
    throw error;
  }
}

async function pinged(dependency: { ping(): Promise<void> }, detail?: Record<string, unknown>) {
  await dependency.ping();
  return { ok: true as const, detail };
}

const postgresTimeouts = (config: Config): PostgresTimeouts => ({
  connectMs: config.timeouts.databaseConnectMs,
  statementMs: config.timeouts.databaseStatementMs,
});

function describeRuntime(config: Config): string[] {
  const where = (target: Config['eventStore'] | Config['readModels']) =>
    target.kind === 'pglite'
      ? `embedded PGlite in ${target.dataDir}`
      : target.kind === 'postgres'
        ? `PostgreSQL (${target.variable})`
        : 'KurrentDB (EVENTSTORE_URL)';
  return [
    `profile:     ${config.profile}`,
    `event store: ${where(config.eventStore)}`,
    `read models: ${where(config.readModels)}`,
    `pubsub, kv, leases: ${config.redisUrl ? 'Redis (REDIS_URL)' : 'in memory (single process)'}`,
  ];
}
