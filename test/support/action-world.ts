import { randomUUID } from 'node:crypto';
import { execute, systemCaller } from '../../src/commands/deps.js';
import { sealCredentials } from '../../src/connections/credentials/credentials-codec.js';
import { newConnectionId } from '../../src/connections/ids.js';
import { connectionDecider } from '../../src/domain/connection.js';
import { connectionStream } from '../../src/events/connection.js';
import { READ_MODEL } from '../../src/projections/names.js';
import { startTestHub, type TestHub, type TestHubOptions } from './hub.js';
import { writeProvidersFile } from './loopback-providers.js';
import { registerTenant } from './register-tenant.js';

/**
 * A hub over a scratch PostgreSQL database whose providers extend built-ins (`github-local` …)
 * with their API pointed at loopback fakes, two tenants, and in the first an api_key connection to
 * each provider holding that fake's token: what action tests need. `installOAuth` adds a
 * connection as a client credentials grant leaves one (authMode oauth2_cc, the granted scopes
 * recorded, a token that does not expire), through the same InstallConnection command
 * connectWithCredentials issues, for scope checks. (An authorization-code connection would need a
 * whole OAuth flow first; the scope rule is the same for both.)
 */
export interface ActionWorldProvider {
  base: string;
  baseUrl: string;
  token: string;
}

export interface ActionWorld {
  hub: TestHub;
  tenantId: string;
  otherTenantId: string;
  /** Provider id (`github-local`) by base (`github`). */
  providers: Record<string, string>;
  /** The api_key connection of the first tenant, by base. */
  connections: Record<string, string>;
  installOAuth(options: {
    base: string;
    tenantId?: string;
    accessToken: string;
    scopes: string[];
    values?: Record<string, string>;
  }): Promise<string>;
  close(): Promise<void>;
}

export async function startActionWorld(
  providers: readonly ActionWorldProvider[],
  options: { env?: Record<string, string>; logDestination?: TestHubOptions['logDestination'] } = {},
): Promise<ActionWorld> {
  const file = await writeProvidersFile(
    providers.map((provider) => ({
      id: `${provider.base}-local`,
      extends: provider.base,
      displayName: `${provider.base} (loopback fake)`,
      api: { baseUrl: provider.baseUrl },
      auth: {
        alternatives: [
          { mode: 'api_key', apiKey: { in: 'header', name: 'Authorization', prefix: 'Bearer ' } },
        ],
      },
    })),
  );
  const hub = await startTestHub({
    env: { SWITCHBOARD_PROVIDERS_FILE: file.path, ...options.env },
    logDestination: options.logDestination,
  });
  const tenantId = `t${randomUUID().slice(0, 8)}`;
  const otherTenantId = `t${randomUUID().slice(0, 8)}`;
  await registerTenant(hub, tenantId);
  await registerTenant(hub, otherTenantId);
  const caller = systemCaller('test', randomUUID());
  const connections: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const provider of providers) {
    ids[provider.base] = `${provider.base}-local`;
    const connection = await hub.runtime.connections.connectWithCredentials(caller, tenantId, {
      provider: `${provider.base}-local`,
      credentials: { apiKey: provider.token },
      verify: false,
    });
    connections[provider.base] = connection.id;
  }
  const { runtime } = hub;
  return {
    hub,
    tenantId,
    otherTenantId,
    providers: ids,
    connections,
    async installOAuth({ base, tenantId: tenant = tenantId, accessToken, scopes, values }) {
      const connectionId = newConnectionId();
      const secret = await sealCredentials(runtime.vault, tenant, connectionId, {
        kind: 'oauth2_cc',
        accessToken,
        refreshToken: null,
        tokenType: 'bearer',
      });
      await execute(
        {
          eventStore: runtime.eventStore,
          projections: runtime.projections,
          readYourWritesTimeoutMs: 30_000,
          now: () => new Date(),
        },
        caller,
        { tenantId: tenant, stream: connectionStream(tenant, connectionId) },
        connectionDecider,
        {
          type: 'InstallConnection',
          connectionId,
          tenantId: tenant,
          provider: `${base}-local`,
          authMode: 'oauth2_cc',
          integration: null,
          account: { id: null, name: null },
          values,
          scopes,
          credentials: { secret, tokenType: 'bearer', expiresAt: null, refreshTokenExpiresAt: null },
        },
        { waitFor: [READ_MODEL.connections, READ_MODEL.credentials] },
      );
      return connectionId;
    },
    async close() {
      await hub.close();
      await file.remove();
    },
  };
}
