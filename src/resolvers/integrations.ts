import { AuthenticationRequiredError, ForbiddenError } from '../auth/errors.js';
import { assertMayActOn, mayActOnEveryTenant } from '../auth/tenancy.js';
import { GLOBAL_SCOPE } from '../events/integration.js';
import { tenantIdSchema } from '../events/streams.js';
import { BadUserInputError } from '../shared/errors.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { callerOf } from './context.js';

/** An OAuth app. The client secret is write-only: the API says whether there is one, never what it is. */
export const Integration = builder.prismaObject('Integration', {
  description: "An OAuth app (client) for a provider: global, or one tenant's own.",
  fields: (t) => ({
    provider: t.exposeID('provider'),
    tenantId: t.id({
      nullable: true,
      description: 'Null for the global app every tenant without its own uses.',
      resolve: (integration) => (integration.scope === GLOBAL_SCOPE ? null : integration.scope),
    }),
    clientId: t.exposeString('clientId'),
    hasClientSecret: t.boolean({ resolve: (integration) => integration.clientSecret !== null }),
    scopes: t.exposeStringList('defaultScopes', {
      description: 'Requested when a connection asks for none.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ConfigureIntegrationInput = builder.inputType('ConfigureIntegrationInput', {
  fields: (t) => ({
    provider: t.id({ required: true }),
    clientId: t.string({ required: true }),
    clientSecret: t.string({
      required: false,
      description: 'Stored sealed; never returned. Omit for a public client.',
    }),
    scopes: t.stringList({ required: false }),
    tenantId: t.id({ required: false, description: "A tenant's own app; omit for the global one." }),
  }),
});

/**
 * A JWT bound to a tenant configures that tenant's app only; global apps, which every tenant without
 * its own uses, are for those who may act on every tenant (operators, tenants:all).
 */
function scopeOf(context: GraphQLContext, tenantId: string | number | null | undefined): string | null {
  const principal = context.principal;
  if (principal === null) throw new AuthenticationRequiredError();
  if (tenantId === null || tenantId === undefined) {
    if (!mayActOnEveryTenant(principal)) {
      throw new ForbiddenError(
        principal.kind === 'jwt' && principal.tenantId !== null
          ? 'This token is bound to a tenant: it cannot configure global apps'
          : 'Configuring a global app needs the tenants:all scope',
      );
    }
    return null;
  }
  const parsed = tenantIdSchema.safeParse(String(tenantId));
  if (!parsed.success) throw new BadUserInputError(`Invalid tenant id: ${parsed.error.issues[0]?.message}`);
  assertMayActOn(principal, parsed.data);
  return parsed.data;
}

builder.mutationFields((t) => ({
  configureIntegration: t.prismaField({
    type: 'Integration',
    description: "Sets a provider's OAuth app, globally or for one tenant (operators and tenants:admin).",
    authScopes: { operator: true, permission: 'tenants:admin' },
    args: { input: t.arg({ type: ConfigureIntegrationInput, required: true }) },
    resolve: (_query, _root, { input }, context) =>
      context.connections.configureIntegration(callerOf(context), {
        provider: String(input.provider),
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        scopes: input.scopes,
        tenantId: scopeOf(context, input.tenantId),
      }),
  }),
}));
