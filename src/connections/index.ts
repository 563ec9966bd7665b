import type { Caller, ConnectionDeps } from '../commands/deps.js';
import type { Connection, Integration, ProviderAccountClaim } from '../generated/prisma/client.js';
import { prismaWebhookTargets, type WebhookTargets } from '../readmodels/queries/webhook-targets.js';
import { deleteTenant, type TenantDeletion } from '../tenants/delete-tenant.js';
import { rotateTenantKey, type TenantKeyRotation } from '../tenants/tenant-keys.js';
import {
  connectSessionCredentials,
  openSession,
  sessionResult,
  startSessionOAuth,
} from './connect-session/attempts.js';
import {
  type CreateConnectSessionInput,
  type CreatedConnectSession,
  createConnectSession,
} from './connect-session/create.js';
import {
  type ConnectWithCredentialsInput,
  connectWithCredentials,
} from './credentials/connect-credentials.js';
import { type CallbackOutcome, type CallbackQuery, handleCallback } from './install/callback.js';
import { type CompleteConnectionInput, completeConnection } from './install/complete.js';
import { type StartConnectionInput, type StartedConnection, startConnection } from './install/start.js';
import { type ConfigureIntegrationInput, configureIntegration } from './integrations.js';
import { type MoveBindingInput, moveProviderAccountBinding } from './provider-accounts.js';
import { type RevokedConnection, revokeConnection } from './revoke.js';
import {
  type AccessToken,
  accessTokenFor,
  type CheckedOutCredentials,
  credentialsFor,
  refreshAfterUnauthorized,
} from './tokens/checkout.js';
import { ProactiveRefresher, type ProactiveRefresherOptions } from './tokens/proactive-refresher.js';
import { TokenRefresher, type TokenRefresherOptions } from './tokens/refresh.js';
import {
  configureWebhookSecret,
  createWebhookConnection,
  type WebhookSecretResult,
} from './webhook-connections.js';

export type { Caller, ConnectionDeps } from '../commands/deps.js';
export { systemCaller } from '../commands/deps.js';
export type { WebhookTarget, WebhookTargets } from '../readmodels/queries/webhook-targets.js';
export type { ConnectableProvider, Refusal } from './connect-session/attempts.js';
export type { ConnectMethod } from './connect-session/methods.js';
export type { SessionLookup } from './connect-session/store.js';
export type { AccessToken, CheckedOutCredentials } from './tokens/checkout.js';

/** What the Connect pages (web/connect) do with a session link; each is bound to the deps. */
export interface ConnectSessionPages {
  open(token: string): ReturnType<typeof openSession>;
  startOAuth(
    caller: Caller,
    input: Parameters<typeof startSessionOAuth>[2],
  ): ReturnType<typeof startSessionOAuth>;
  connectCredentials(
    caller: Caller,
    input: Parameters<typeof connectSessionCredentials>[2],
  ): ReturnType<typeof connectSessionCredentials>;
  result(token: string): ReturnType<typeof sessionResult>;
}

/**
 * The connections capability, bound to its dependencies once (runtime.ts) and handed to the API,
 * the OAuth callback route and, later, the proxy and the webhook gateway. Tenant-scoped calls take
 * the tenant the caller was authorized for; none of them returns a token except the checkout
 * functions, which are for in-process provider calls only.
 */
export interface ConnectionServices {
  configureIntegration(caller: Caller, input: ConfigureIntegrationInput): Promise<Integration>;
  startConnection(caller: Caller, tenantId: string, input: StartConnectionInput): Promise<StartedConnection>;
  completeConnection(caller: Caller, tenantId: string, input: CompleteConnectionInput): Promise<Connection>;
  handleCallback(caller: Caller, query: CallbackQuery): Promise<CallbackOutcome>;
  /** A single-use link for one end user to connect one of the allowed providers (the Connect UI). */
  createConnectSession(
    caller: Caller,
    tenantId: string,
    input: CreateConnectSessionInput,
  ): Promise<CreatedConnectSession>;
  connectSessions: ConnectSessionPages;
  connectWithCredentials(
    caller: Caller,
    tenantId: string,
    input: ConnectWithCredentialsInput,
  ): Promise<Connection>;
  refreshConnection(caller: Caller, tenantId: string, connectionId: string): Promise<Connection>;
  revokeConnection(caller: Caller, tenantId: string, connectionId: string): Promise<RevokedConnection>;
  deleteTenant(caller: Caller, tenantId: string): Promise<TenantDeletion>;
  rotateTenantKey(tenantId: string): Promise<TenantKeyRotation>;
  createWebhookConnection(
    caller: Caller,
    tenantId: string,
    input: { provider: string; displayName?: string | null; secret?: string | null },
  ): Promise<WebhookSecretResult>;
  configureWebhookSecret(
    caller: Caller,
    tenantId: string,
    input: { connectionId: string; secret?: string | null },
  ): Promise<WebhookSecretResult>;
  /** Operators only: binds a provider account to another live connection that claimed it. */
  moveProviderAccountBinding(caller: Caller, input: MoveBindingInput): Promise<ProviderAccountClaim>;
  /** Token checkout for provider calls (read model → decrypt → freshness, refresh when due). */
  accessTokenFor(tenantId: string, connectionId: string): Promise<AccessToken>;
  credentialsFor(tenantId: string, connectionId: string): Promise<CheckedOutCredentials>;
  /** After a provider answered 401 to `rejectedAccessToken`: refresh once, shared by every caller. */
  refreshAfterUnauthorized(
    tenantId: string,
    connectionId: string,
    rejectedAccessToken: string,
  ): Promise<AccessToken>;
  webhookTargets: WebhookTargets;
  /** What these services were built with (a second instance, e.g. with another clock, reuses it). */
  deps: ConnectionDeps;
  refresher: TokenRefresher;
  proactiveRefresher: ProactiveRefresher;
}

export interface ConnectionServicesOptions {
  refresh?: TokenRefresherOptions;
  proactive?: ProactiveRefresherOptions;
}

export function createConnectionServices(
  deps: ConnectionDeps,
  options: ConnectionServicesOptions = {},
): ConnectionServices {
  const refresher = new TokenRefresher(deps, options.refresh);
  const connection = (tenantId: string, id: string) =>
    deps.prisma.connection.findFirstOrThrow({ where: { id, tenantId } });
  return {
    configureIntegration: (caller, input) => configureIntegration(deps, caller, input),
    startConnection: (caller, tenantId, input) => startConnection(deps, caller, tenantId, input),
    completeConnection: async (caller, tenantId, input) =>
      connection(tenantId, await completeConnection(deps, caller, tenantId, input)),
    handleCallback: (caller, query) => handleCallback(deps, caller, query),
    createConnectSession: (caller, tenantId, input) => createConnectSession(deps, caller, tenantId, input),
    connectSessions: {
      open: (token) => openSession(deps, token),
      startOAuth: (caller, input) => startSessionOAuth(deps, caller, input),
      connectCredentials: (caller, input) => connectSessionCredentials(deps, caller, input),
      result: (token) => sessionResult(deps, token),
    },
    connectWithCredentials: async (caller, tenantId, input) =>
      connection(tenantId, await connectWithCredentials(deps, caller, tenantId, input)),
    async refreshConnection(caller, tenantId, connectionId) {
      const token = await refresher.refresh({ tenantId, connectionId, trigger: 'manual', caller });
      if (token.position !== null) {
        await deps.projections.waitFor(token.position, { timeoutMs: deps.readYourWritesTimeoutMs });
      }
      return connection(tenantId, connectionId);
    },
    revokeConnection: (caller, tenantId, connectionId) =>
      revokeConnection(deps, caller, tenantId, connectionId),
    deleteTenant: (caller, tenantId) =>
      deleteTenant(deps, caller, tenantId, (connectionId) =>
        revokeConnection(deps, caller, tenantId, connectionId, 'tenant_deleted'),
      ),
    rotateTenantKey: (tenantId) => rotateTenantKey(deps, tenantId),
    createWebhookConnection: (caller, tenantId, input) =>
      createWebhookConnection(deps, caller, tenantId, input),
    configureWebhookSecret: (caller, tenantId, input) =>
      configureWebhookSecret(deps, caller, tenantId, input),
    moveProviderAccountBinding: (caller, input) => moveProviderAccountBinding(deps, caller, input),
    accessTokenFor: (tenantId, connectionId) => accessTokenFor(deps, refresher, tenantId, connectionId),
    credentialsFor: (tenantId, connectionId) => credentialsFor(deps, refresher, tenantId, connectionId),
    refreshAfterUnauthorized: (tenantId, connectionId, rejected) =>
      refreshAfterUnauthorized(refresher, tenantId, connectionId, rejected),
    webhookTargets: prismaWebhookTargets(deps.prisma),
    deps,
    refresher,
    proactiveRefresher: new ProactiveRefresher(deps, refresher, options.proactive),
  };
}
