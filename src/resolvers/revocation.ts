import { AuthenticationRequiredError } from '../auth/errors.js';
import { assertMayActOn } from '../auth/tenancy.js';
import { tenantIdSchema } from '../events/streams.js';
import type { ConnectionRow } from '../projections/read-models/connections.js';
import { BadUserInputError } from '../shared/errors.js';
import { connectionIdArg } from './args.js';
import { builder } from './builder.js';
import { Connection, ConnectionStatusEnum } from './connections.js';
import type { GraphQLContext } from './context.js';
import { callerOf } from './context.js';

const ProviderRevocationStatus = builder.enumType('ProviderRevocationStatus', {
  values: {
    CONFIRMED: { description: 'The provider says the grant is gone.' },
    FAILED: { description: 'The provider did not confirm; the credentials were destroyed anyway.' },
    UNSUPPORTED: { description: 'The provider offers no revocation; the credentials were destroyed.' },
  },
});

const ProviderRevocation = builder
  .objectRef<{ status: 'CONFIRMED' | 'FAILED' | 'UNSUPPORTED'; detail: string }>('ProviderRevocation')
  .implement({
    fields: (t) => ({
      status: t.field({ type: ProviderRevocationStatus, resolve: (r) => r.status }),
      detail: t.exposeString('detail'),
    }),
  });

const RevokedConnection = builder
  .objectRef<{
    connection: ConnectionRow;
    status: 'REVOKED';
    revokedAt: Date;
    providerRevocation: { status: 'CONFIRMED' | 'FAILED' | 'UNSUPPORTED'; detail: string };
  }>('RevokedConnection')
  .implement({
    fields: (t) => ({
      connection: t.field({ type: Connection, resolve: (r) => r.connection }),
      status: t.field({ type: ConnectionStatusEnum, resolve: (r) => r.status }),
      revokedAt: t.expose('revokedAt', { type: 'DateTime' }),
      providerRevocation: t.field({ type: ProviderRevocation, resolve: (r) => r.providerRevocation }),
    }),
  });

const TenantDeletion = builder
  .objectRef<{
    tenantId: string;
    deletedAt: Date;
    connectionsRevoked: number;
    keysDestroyed: number;
    streamsTombstoned: number;
  }>('TenantDeletion')
  .implement({
    description:
      'A deleted tenant: its connections revoked, its keys destroyed (crypto-shredding), its streams closed.',
    fields: (t) => ({
      tenantId: t.exposeID('tenantId'),
      deletedAt: t.expose('deletedAt', { type: 'DateTime' }),
      connectionsRevoked: t.exposeInt('connectionsRevoked'),
      keysDestroyed: t.exposeInt('keysDestroyed'),
      streamsTombstoned: t.exposeInt('streamsTombstoned'),
    }),
  });

const TenantKeyRotation = builder
  .objectRef<{ tenantId: string; generation: number; rotatedAt: Date }>('TenantKeyRotation')
  .implement({
    description: "A tenant's new data key: new secrets use it, older keys still decrypt what they sealed.",
    fields: (t) => ({
      tenantId: t.exposeID('tenantId'),
      generation: t.exposeInt('generation'),
      rotatedAt: t.expose('rotatedAt', { type: 'DateTime' }),
    }),
  });

/** A JWT bound to one tenant (tenant_id claim) may only administer that tenant; one bound to none needs tenants:all. */
function administeredTenant(context: GraphQLContext, id: string | number): string {
  const parsed = tenantIdSchema.safeParse(String(id));
  if (!parsed.success) throw new BadUserInputError(`Invalid tenant id: ${parsed.error.issues[0]?.message}`);
  if (context.principal === null) throw new AuthenticationRequiredError();
  assertMayActOn(context.principal, parsed.data);
  return parsed.data;
}

builder.mutationFields((t) => ({
  revokeConnection: t.field({
    type: RevokedConnection,
    description:
      'Revokes the grant at the provider (when it can) and destroys the credentials; idempotent (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) =>
      context.connections.revokeConnection(
        callerOf(context),
        await context.tenantId(),
        connectionIdArg(args.id, 'id'),
      ),
  }),
  deleteTenant: t.field({
    type: TenantDeletion,
    description:
      'Deletes a tenant: revokes every connection, destroys its keys so its secrets are unreadable forever, tombstones its streams (operators and tenants:admin).',
    authScopes: { operator: true, permission: 'tenants:admin' },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const id = administeredTenant(context, args.id);
      const deletion = await context.connections.deleteTenant(callerOf(context), id);
      context.tenants.forget(id);
      return deletion;
    },
  }),
  rotateTenantKey: t.field({
    type: TenantKeyRotation,
    description: 'Gives a tenant a new data key (operators and tenants:admin).',
    authScopes: { operator: true, permission: 'tenants:admin' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      context.connections.rotateTenantKey(administeredTenant(context, args.id)),
  }),
}));
