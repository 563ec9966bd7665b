import { BadUserInputError } from '../shared/errors.js';
import { connectionIdArg } from './args.js';
import { builder } from './builder.js';
import type { GraphQLContext } from './context.js';
import { callerOf } from './context.js';

/**
 * The API over the connections services' webhook commands (src/connections/webhook-connections.ts):
 * the secret is generated when none is given, stored sealed, and returned here once.
 */

interface WebhookEndpointResult {
  connectionId: string;
  url: string;
  secret: string;
}

const WebhookConnectionPayload = builder
  .objectRef<WebhookEndpointResult>('WebhookConnectionPayload')
  .implement({
    fields: (t) => ({
      connection: t.prismaField({
        type: 'Connection',
        resolve: (query, result, _args, context) =>
          context.prisma.connection.findUniqueOrThrow({ ...query, where: { id: result.connectionId } }),
      }),
      url: t.exposeString('url', { description: 'Where the provider delivers (set it at the provider).' }),
      secret: t.exposeString('secret', {
        description:
          'The signing secret, shown this once: set it at the provider; Switchboard keeps it sealed.',
      }),
    }),
  });

const WebhookSecretPayload = builder.objectRef<WebhookEndpointResult>('WebhookSecretPayload').implement({
  fields: (t) => ({
    url: t.exposeString('url'),
    secret: t.exposeString('secret', { description: 'Shown this once.' }),
  }),
});

const CreateWebhookConnectionInput = builder.inputType('CreateWebhookConnectionInput', {
  fields: (t) => ({
    provider: t.id({ required: true }),
    displayName: t.string({ required: false }),
    secret: t.string({ required: false, description: 'Generated (32 random bytes) when omitted.' }),
  }),
});

const ConfigureWebhookInput = builder.inputType('ConfigureWebhookInput', {
  fields: (t) => ({
    connectionId: t.id({ required: true }),
    secret: t.string({ required: false, description: 'Generated (32 random bytes) when omitted.' }),
  }),
});

/** A secret chosen by the caller must still be hard to guess: it is all that authenticates deliveries. */
function chosenSecret(secret: string | null | undefined): string | null {
  if (secret === null || secret === undefined || secret === '') return null;
  if (secret.length < 16 || secret.length > 256)
    throw new BadUserInputError('A webhook secret is 16 to 256 characters', { field: 'secret' });
  return secret;
}

const tenantOf = (context: GraphQLContext) => context.tenantId();

builder.mutationFields((t) => ({
  createWebhookConnection: t.field({
    type: WebhookConnectionPayload,
    description: 'A connection that only receives webhooks: no API credentials (connections:write).',
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: CreateWebhookConnectionInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      context.connections.createWebhookConnection(callerOf(context), await tenantOf(context), {
        provider: String(input.provider),
        displayName: input.displayName,
        secret: chosenSecret(input.secret),
      }),
  }),
  configureWebhook: t.field({
    type: WebhookSecretPayload,
    description: "Sets or rotates a connection's webhook signing secret (connections:write).",
    authScopes: { permission: 'connections:write' },
    args: { input: t.arg({ type: ConfigureWebhookInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      context.connections.configureWebhookSecret(callerOf(context), await tenantOf(context), {
        connectionId: connectionIdArg(input.connectionId, 'connectionId'),
        secret: chosenSecret(input.secret),
      }),
  }),
}));
