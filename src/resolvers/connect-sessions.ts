import { builder } from './builder.js';
import { callerOf } from './context.js';

const CreateConnectSessionInput = builder.inputType('CreateConnectSessionInput', {
  fields: (t) => ({
    allowedProviders: t.idList({
      required: false,
      description:
        'Providers the page offers, in this order; each must be connectable by a person (OAuth with an integration, API key or basic). Every such provider when omitted.',
    }),
    redirectUri: t.string({
      required: false,
      description:
        'Where the user goes after connecting, with connection_id added; must match the redirect allowlist. The result page stays when omitted.',
    }),
    expiresInSeconds: t.int({
      required: false,
      description: 'How long the link works: 60 to 86400 seconds (default 1800, 30 minutes).',
    }),
  }),
});

const ConnectSession = builder
  .objectRef<{ token: string; url: string; expiresAt: Date }>('ConnectSession')
  .implement({
    description:
      'A single-use link to the hosted Connect page for one end user of the current tenant. The token is no API credential.',
    fields: (t) => ({
      token: t.exposeString('token', {
        description: 'Secret until used: whoever holds it may connect an allowed provider for the tenant.',
      }),
      url: t.exposeString('url', { description: '<SWITCHBOARD_PUBLIC_URL>/connect/<token>' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    }),
  });

builder.mutationFields((t) => ({
  createConnectSession: t.field({
    type: ConnectSession,
    description:
      'A link to send an end user to, where they connect one of the allowed providers (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: CreateConnectSessionInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      context.connections.createConnectSession(callerOf(context), await context.tenantId(), {
        allowedProviders: input.allowedProviders?.map(String) ?? null,
        redirectUri: input.redirectUri,
        expiresInSeconds: input.expiresInSeconds,
      }),
  }),
}));
