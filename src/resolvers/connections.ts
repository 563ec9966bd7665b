import type { AccountClaimState } from '../domain/statuses.js';
import { ConnectionStatus } from '../domain/statuses.js';
import { BadUserInputError } from '../shared/errors.js';
import { assertPageSize, connectionIdArg } from './args.js';
import { builder } from './builder.js';
import { callerOf } from './context.js';
import { WebhookRoutingEnum } from './provider-accounts.js';

export const ConnectionStatusEnum = builder.enumType('ConnectionStatus', {
  values: Object.values(ConnectionStatus),
});

const ConnectionAuthMode = builder.enumType('ConnectionAuthMode', {
  values: {
    OAUTH2: { value: 'oauth2' },
    OAUTH2_CC: { value: 'oauth2_cc' },
    API_KEY: { value: 'api_key' },
    BASIC: { value: 'basic' },
    WEBHOOK: { value: 'webhook', description: 'Receives webhooks only; holds no API credentials.' },
  } as const,
});

type AuthModeValue = 'oauth2' | 'oauth2_cc' | 'api_key' | 'basic' | 'webhook';

/** A tenant's connection to a provider account. Never a token, secret or key: those stay sealed in the vault. */
export const Connection = builder.prismaObject('Connection', {
  description: "A tenant's connection to a provider account. Credentials never leave Switchboard.",
  fields: (t) => ({
    id: t.exposeID('id'),
    provider: t.exposeString('provider'),
    authMode: t.field({ type: ConnectionAuthMode, resolve: (c) => c.authMode as AuthModeValue }),
    status: t.field({ type: ConnectionStatusEnum, resolve: (c) => c.status as ConnectionStatus }),
    accountId: t.exposeString('accountId', { nullable: true, description: "The provider account's id." }),
    accountName: t.exposeString('accountName', { nullable: true }),
    displayName: t.exposeString('displayName', { nullable: true }),
    scopes: t.exposeStringList('scopes', {
      description: 'Granted provider scopes (the requested ones while PENDING).',
    }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description:
        "When the current access token expires; null when it does not (or the provider won't say).",
    }),
    lastRefreshedAt: t.expose('lastRefreshedAt', { type: 'DateTime', nullable: true }),
    failureReason: t.exposeString('failureReason', {
      nullable: true,
      description: 'Why a FAILED or REAUTH_REQUIRED connection is so (access_denied, state_expired, ...).',
    }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    webhookRouting: t.loadable({
      type: WebhookRoutingEnum,
      nullable: true,
      description:
        "Whether the provider account's app-level webhooks reach this connection; null when it claims none (no account, or webhooks per connection only).",
      load: async (ids: string[], context) => {
        const claims = await context.prisma.providerAccountClaim.findMany({
          where: { connectionId: { in: ids } },
          select: { connectionId: true, state: true },
        });
        const states = new Map(claims.map((claim) => [claim.connectionId, claim.state as AccountClaimState]));
        return ids.map((id) => states.get(id) ?? null);
      },
      resolve: (connection) => connection.id,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PAGE_SIZES = { defaultSize: 20, maxSize: 100 };

builder.queryFields((t) => ({
  connections: t.prismaConnection({
    type: 'Connection',
    cursor: 'id',
    ...PAGE_SIZES,
    description: "The current tenant's connections, by id (connections:read).",
    authScopes: { permission: 'connections:read' },
    args: {
      provider: t.arg.id({ required: false }),
      status: t.arg({ type: ConnectionStatusEnum, required: false }),
    },
    resolve: async (query, _root, args, context) => {
      assertPageSize(args, PAGE_SIZES.maxSize);
      return context.prisma.connection.findMany({
        ...query,
        where: {
          tenantId: await context.tenantId(),
          ...(args.provider ? { provider: String(args.provider) } : {}),
          ...(args.status ? { status: args.status } : {}),
        },
        orderBy: { id: 'asc' },
      });
    },
  }),
  connection: t.prismaField({
    type: 'Connection',
    nullable: true,
    description:
      'One connection of the current tenant; null when it has none with this id (connections:read).',
    authScopes: { permission: 'connections:read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, args, context) =>
      context.prisma.connection.findFirst({
        ...query,
        where: { id: connectionIdArg(args.id, 'id'), tenantId: await context.tenantId() },
      }),
  }),
}));

const StartConnectionInput = builder.inputType('StartConnectionInput', {
  fields: (t) => ({
    provider: t.id({ required: true }),
    scopes: t.stringList({
      required: false,
      description:
        "Internal scopes (issues.read) or the provider's own; the integration's defaults when omitted.",
    }),
    redirectUri: t.string({
      required: false,
      description:
        'Where the user lands after the callback, with connection_id or error added; a result page when omitted.',
    }),
  }),
});

const StartedConnection = builder
  .objectRef<{ connectionId: string; authorizeUrl: string; state: string; expiresAt: Date }>(
    'StartedConnection',
  )
  .implement({
    description:
      'Send the user to authorizeUrl; the connection is PENDING until the provider sends them back.',
    fields: (t) => ({
      connectionId: t.exposeID('connectionId'),
      authorizeUrl: t.exposeString('authorizeUrl'),
      state: t.exposeString('state', { description: 'Single use; expires with expiresAt (10 minutes).' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    }),
  });

const CompleteConnectionInput = builder.inputType('CompleteConnectionInput', {
  fields: (t) => ({
    state: t.string({ required: true }),
    code: t.string({ required: true }),
    params: t.field({
      type: 'JSON',
      required: false,
      description:
        "Other parameters of the callback as an object of strings: `iss` (RFC 9207, required by providers that send it) and provider extras such as QuickBooks' realmId.",
    }),
  }),
});

function callbackParams(value: unknown): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new BadUserInputError('params must be an object of strings');
  const params: Record<string, string> = {};
  for (const [name, param] of Object.entries(value)) {
    if (typeof param !== 'string') throw new BadUserInputError(`params.${name} must be a string`);
    params[name] = param;
  }
  return params;
}

const CredentialsInput = builder.inputType('CredentialsInput', {
  fields: (t) => ({
    apiKey: t.string({ required: false }),
    username: t.string({ required: false }),
    password: t.string({ required: false }),
  }),
});

const ConnectWithCredentialsInput = builder.inputType('ConnectWithCredentialsInput', {
  fields: (t) => ({
    provider: t.id({ required: true }),
    credentials: t.field({ type: CredentialsInput, required: false }),
    scopes: t.stringList({ required: false, description: 'For client credentials (oauth2_cc) providers.' }),
    verify: t.boolean({
      required: false,
      defaultValue: true,
      description: "Call the provider's test request before storing the credentials.",
    }),
  }),
});

builder.mutationFields((t) => ({
  startConnection: t.field({
    type: StartedConnection,
    description:
      'Starts an OAuth authorization (code flow with PKCE) for the current tenant (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: StartConnectionInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      context.connections.startConnection(callerOf(context), await context.tenantId(), {
        provider: String(input.provider),
        scopes: input.scopes,
        redirectUri: input.redirectUri,
      }),
  }),
  completeConnection: t.prismaField({
    type: 'Connection',
    description:
      'Completes an authorization for backends that receive the provider callback themselves (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: CompleteConnectionInput, required: true }) },
    resolve: async (_query, _root, { input }, context) =>
      context.connections.completeConnection(callerOf(context), await context.tenantId(), {
        state: input.state,
        code: input.code,
        params: callbackParams(input.params),
      }),
  }),
  connectWithCredentials: t.prismaField({
    type: 'Connection',
    description:
      'Connects with an API key, a username and password, or client credentials (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: ConnectWithCredentialsInput, required: true }) },
    resolve: async (_query, _root, { input }, context) =>
      context.connections.connectWithCredentials(callerOf(context), await context.tenantId(), {
        provider: String(input.provider),
        credentials: input.credentials,
        scopes: input.scopes,
        verify: input.verify,
      }),
  }),
  refreshConnection: t.prismaField({
    type: 'Connection',
    description: "Refreshes the connection's token now (connections:write).",
    authScopes: { permission: 'connections:write' },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_query, _root, args, context) =>
      context.connections.refreshConnection(
        callerOf(context),
        await context.tenantId(),
        connectionIdArg(args.id, 'id'),
      ),
  }),
}));
