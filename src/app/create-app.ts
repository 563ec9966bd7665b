import type { FastifyInstance } from 'fastify';
import { registerAuditExportRoute } from '../http/audit-export.js';
import { registerAuditKeysRoute } from '../http/audit-keys.js';
import { registerCatalogRoute } from '../http/catalog.js';
import { registerConnectRoutes } from '../http/connect.js';
import { registerConsoleRoutes } from '../http/console.js';
import { registerCors } from '../http/cors.js';
import { type GraphQLLimits, registerGraphQL } from '../http/graphql.js';
import { registerMcpRoute } from '../http/mcp.js';
import { registerMetricsRoute } from '../http/metrics.js';
import { metricsAccessFor, metricsGuard } from '../http/metrics-access.js';
import { attachMetricsListener } from '../http/metrics-listener.js';
import { registerOAuthCallback } from '../http/oauth-callback.js';
import { registerProxyRoute } from '../http/proxy.js';
import { rateBudgets, registerRateLimits } from '../http/rate-limits.js';
import { createServer } from '../http/server.js';
import { loadWebAssets, registerWebAssets, WEB_ASSETS_MISSING } from '../http/web-assets.js';
import { registerWebhookRoutes } from '../http/webhooks.js';
import type { WebSocketLimits } from '../http/ws-limits.js';
import { TenantDirectory } from '../tenants/tenant-directory.js';
import { followTenantNotices, TENANTS_CHANGED_TOPIC } from '../tenants/tenant-notices.js';
import { createWebhookGateway } from './create-gateway.js';
import type { Runtime } from './runtime.js';

export interface AppOptions {
  limits?: Partial<GraphQLLimits>;
  /** Maximum request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Over the configuration's graphql-ws limits (tests: a shorter connection_init timeout). */
  webSocket?: Partial<WebSocketLimits>;
  /** Overrides SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS (tests). */
  idleTimeoutMs?: number;
  /** Where the built browser bundles are (default dist/web; tests build into their own). */
  webAssetsDir?: string;
}

/** The whole HTTP surface over a runtime: health, metrics, REST routes (catalog, MCP, webhooks, OAuth, proxy, audit export), GraphQL over HTTP and websockets. */
export async function createApp(runtime: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = await createServer({
    logger: runtime.logger,
    readiness: runtime.readiness,
    bodyLimit: options.bodyLimit,
    idleTimeoutMs: options.idleTimeoutMs ?? runtime.config.httpIdleTimeoutMs,
    tracing: runtime.config.tracing.enabled,
  });
  registerCors(app, runtime.config.corsOrigins);
  const budgets = rateBudgets(runtime.config.rateLimits);
  registerRateLimits(app, {
    governor: runtime.platform.rateGovernor(budgets),
    budgets,
    authenticator: runtime.authenticator,
  });
  registerOAuthCallback(app, runtime.connections);
  await registerConnectRoutes(app, {
    connections: runtime.connections,
    frameAncestors: runtime.config.connectFrameAncestors,
  });
  const web = loadWebAssets(options.webAssetsDir);
  // Everything else works without the bundles; the console says how to build them.
  if (web) registerWebAssets(app, web.files);
  else runtime.logger.warn(WEB_ASSETS_MISSING);
  const { oidc } = runtime.config;
  registerConsoleRoutes(app, {
    assets: web?.assets ?? null,
    oidc: oidc ? { ...oidc, clientId: runtime.config.consoleOidcClientId ?? oidc.audience } : null,
  });
  registerCatalogRoute(app, runtime.catalog);
  registerAuditKeysRoute(app, runtime.audit);
  const tenants = new TenantDirectory(runtime.readModels.prisma);
  // Every instance drops a tenant's row when the tenants projection (wherever it runs) announces a
  // change; ends when the platform closes its pubsub, with the runtime.
  void followTenantNotices(
    () => runtime.platform.pubsub.subscribe(TENANTS_CHANGED_TOPIC),
    tenants,
    (error) =>
      runtime.logger.warn({ err: error }, 'tenant notices interrupted; cached tenants live out their TTL'),
  );
  registerMcpRoute(app, {
    actions: runtime.actions,
    authenticator: runtime.authenticator,
    tenants,
    logger: runtime.logger,
  });
  await registerWebhookRoutes(app, {
    gateway: createWebhookGateway(runtime),
    publicUrl: runtime.config.publicUrl,
  });
  await registerProxyRoute(app, { proxy: runtime.proxy, authenticator: runtime.authenticator });
  registerAuditExportRoute(app, {
    audit: { eventStore: runtime.eventStore, leafIndex: runtime.audit.leafIndex },
    authenticator: runtime.authenticator,
    tenants,
  });
  const { registry } = runtime.metrics;
  const { metrics } = runtime.config;
  const guard = metricsGuard(metricsAccessFor(metrics, runtime.authenticator, metrics.listener !== null));
  if (metrics.listener)
    attachMetricsListener(app, { registry, guard, logger: runtime.logger, ...metrics.listener });
  else registerMetricsRoute(app, registry, guard);
  await registerGraphQL(app, {
    services: {
      eventStore: runtime.eventStore,
      vault: runtime.vault,
      prisma: runtime.readModels.prisma,
      projections: runtime.projections,
      platform: runtime.platform,
      catalog: runtime.catalog,
      connections: runtime.connections,
      syncs: runtime.syncs,
      actions: runtime.actions,
      tenants,
      audit: runtime.audit,
      logger: runtime.logger,
      readYourWritesTimeoutMs: 5000,
    },
    authenticator: runtime.authenticator,
    metrics: runtime.metrics,
    graphiql: runtime.config.graphqlIntrospection,
    introspection: runtime.config.graphqlIntrospection,
    limits: options.limits,
    webSocket: { ...runtime.config.webSocket, ...options.webSocket },
    tracing: runtime.config.tracing.enabled,
  });
  return app;
}
