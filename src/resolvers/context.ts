import { randomUUID } from 'node:crypto';
import type { AuditServices } from '../audit/index.js';
import type { Principal } from '../auth/principal.js';
import { resolveTenant } from '../auth/tenancy.js';
import { type Caller, execute } from '../commands/deps.js';
import type { ConnectionServices } from '../connections/index.js';
import type { ProviderCatalog } from '../connectors/catalog.js';
import type { Decider } from '../domain/decider.js';
import type { RecordedEvent } from '../eventstore/envelope.js';
import type { EventStore } from '../eventstore/port.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Platform } from '../platform/index.js';
import type { Logger } from '../platform/logger.js';
import type { ProjectionRunner } from '../projections/index.js';
import type { ReadModelName } from '../projections/names.js';
import type { ActionDeps } from '../proxy/actions/index.js';
import type { SyncEngine } from '../sync/sync-engine.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import type { ContentVault } from '../vault/sealed-content.js';

/** What the API needs from the runtime; built once, shared by every request. */
export interface ApiServices {
  eventStore: EventStore;
  /** Opens what the log keeps sealed (signal payloads, dead-letter bodies) for the tenant asking. */
  vault: ContentVault;
  prisma: PrismaClient;
  projections: Pick<ProjectionRunner, 'waitFor'>;
  platform: Platform;
  catalog: ProviderCatalog;
  connections: ConnectionServices;
  /** The sync engine's commands (configure, start, pause, drift checks, replays). */
  syncs: Pick<
    SyncEngine,
    'configureSync' | 'startSync' | 'checkDrift' | 'approveSyncReplay' | 'requireTarget'
  >;
  /** Declared provider actions: the catalog and invokeAction's dependencies (src/proxy/actions). */
  actions: ActionDeps;
  tenants: TenantDirectory;
  /** Audit seals: the chain, its keys, verification and inclusion proofs (src/audit). */
  audit: AuditServices;
  logger: Logger;
  /** How long a mutation waits for its projection before answering (read-your-writes). */
  readYourWritesTimeoutMs: number;
}

export interface GraphQLContext extends ApiServices {
  requestId: string;
  principal: Principal | null;
  /** X-Tenant-Id (HTTP) or connectionParams.tenantId (websocket), unvalidated. */
  requestedTenantId: string | undefined;
  /** The current tenant: validated against the principal and the read model; cached per request. */
  tenantId(): Promise<string>;
  /**
   * Decides and appends a command, then waits until the read models the resolver answers from
   * have applied it (NOT_YET_VISIBLE when they do not in time: the command happened all the same).
   */
  execute<State, Command, E extends RecordedEvent>(
    target: { tenantId: string; stream: string },
    decider: Decider<State, Command, E>,
    command: Command,
    options: { waitFor: readonly ReadModelName[] },
  ): Promise<{ state: State; position: bigint | null }>;
}

export function actorOf(principal: Principal | null): string {
  if (!principal) return 'anonymous';
  return principal.kind === 'operator' ? `operator:${principal.id}` : `user:${principal.subject}`;
}

export function createContext(
  services: ApiServices,
  request: {
    requestId?: string;
    principal: Principal | null;
    requestedTenantId: string | undefined;
    /** The HTTP request's own logger (bound to its id); a websocket operation gets a child of its own. */
    log?: Logger;
  },
): GraphQLContext {
  const requestId = request.requestId ?? randomUUID();
  const commandDeps = {
    eventStore: services.eventStore,
    projections: services.projections,
    readYourWritesTimeoutMs: services.readYourWritesTimeoutMs,
    now: () => new Date(),
  };
  let tenant: Promise<string> | undefined;
  let logger: Logger | undefined = request.log;
  const context: GraphQLContext = {
    ...services,
    // Most requests never log: build the child logger (and its serialized bindings) on first use.
    get logger() {
      logger ??= services.logger.child({ requestId });
      return logger;
    },
    requestId,
    principal: request.principal,
    requestedTenantId: request.requestedTenantId,
    tenantId() {
      tenant ??= (async () => {
        const id = resolveTenant(request.principal, request.requestedTenantId);
        await services.tenants.requireActive(id);
        // Later lines of this request (Fastify's "request completed" over HTTP) name the tenant.
        context.logger.setBindings({ tenantId: id });
        return id;
      })();
      return tenant;
    },
    async execute(target, decider, command, options) {
      const caller = { actor: actorOf(request.principal), correlationId: requestId };
      const result = await execute(commandDeps, caller, target, decider, command, options);
      return { state: result.state, position: result.position };
    },
  };
  return context;
}

/** The request as the services record it: its principal as the actor, its id as the correlation. */
export const callerOf = (context: GraphQLContext): Caller => ({
  actor: actorOf(context.principal),
  correlationId: context.requestId,
});
