import { AccountClaimState } from '../domain/statuses.js';
import { builder } from './builder.js';
import { callerOf } from './context.js';

export const WebhookRoutingEnum = builder.enumType('WebhookRouting', {
  description:
    'Whether app-level webhooks (POST /webhooks/<provider>) of a provider account reach a connection.',
  values: {
    BOUND: { value: AccountClaimState.BOUND, description: "The account's app-level webhooks come here." },
    CONFLICT: {
      value: AccountClaimState.CONFLICT,
      description: "The account is bound to another tenant's connection: none of its webhooks come here.",
    },
    UNVERIFIED: {
      value: AccountClaimState.UNVERIFIED,
      description:
        'The provider did not confirm the account (an id from the browser): no webhooks come here.',
    },
    RELEASED: {
      value: AccountClaimState.RELEASED,
      description:
        'Was bound; the binding ended (revoked, a newer connection of the tenant, an operator move).',
    },
  } as const,
});

/** A connection's claim on a provider account: operators read and move bindings through it. */
export const ProviderAccountClaim = builder.prismaObject('ProviderAccountClaim', {
  description:
    "A connection's claim on a provider account (a QuickBooks realm, a Slack team) for app-level webhooks.",
  fields: (t) => ({
    provider: t.exposeID('provider'),
    accountId: t.exposeString('accountId'),
    tenantId: t.exposeID('tenantId'),
    connectionId: t.exposeID('connectionId'),
    state: t.field({ type: WebhookRoutingEnum, resolve: (claim) => claim.state as AccountClaimState }),
    proof: t.exposeString('proof', {
      nullable: true,
      description: 'While BOUND: token_response, account_verification or operator.',
    }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why it is not (or no longer) bound.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const MoveProviderAccountBindingInput = builder.inputType('MoveProviderAccountBindingInput', {
  fields: (t) => ({
    provider: t.id({ required: true }),
    accountId: t.string({ required: true }),
    connectionId: t.id({ required: true, description: 'A live connection that claimed this account.' }),
  }),
});

builder.queryFields((t) => ({
  providerAccountBinding: t.prismaField({
    type: 'ProviderAccountClaim',
    nullable: true,
    description: 'The connection a provider account is bound to; null when none is (operators).',
    authScopes: { operator: true },
    args: { provider: t.arg.id({ required: true }), accountId: t.arg.string({ required: true }) },
    resolve: (query, _root, args, context) =>
      context.prisma.providerAccountClaim.findFirst({
        ...query,
        where: { provider: String(args.provider), accountId: args.accountId, state: AccountClaimState.BOUND },
      }),
  }),
}));

builder.mutationFields((t) => ({
  moveProviderAccountBinding: t.prismaField({
    type: 'ProviderAccountClaim',
    description:
      'Binds a provider account to another live connection that claimed it, across tenants if need be; recorded as ProviderAccountBindingMoved (operators).',
    authScopes: { operator: true },
    args: { input: t.arg({ type: MoveProviderAccountBindingInput, required: true }) },
    resolve: (_query, _root, { input }, context) =>
      context.connections.moveProviderAccountBinding(callerOf(context), {
        provider: String(input.provider),
        accountId: input.accountId,
        connectionId: String(input.connectionId),
      }),
  }),
}));
