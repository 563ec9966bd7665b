import type { ActionHints } from '../connectors/sdk/action.js';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import {
  type ActionCatalogEntry,
  type ActionResult,
  invokeAction,
  listActions,
  type RateLimitSnapshot,
} from '../proxy/actions/index.js';
import { connectionIdArg } from './args.js';
import { builder } from './builder.js';
import { callerOf } from './context.js';
import { Provider } from './providers.js';

const ActionHintsRef = builder.objectRef<ActionHints>('ActionHints').implement({
  description: 'What a caller (or an agent) may assume before invoking an action (MCP tool annotations).',
  fields: (t) => ({
    readOnly: t.exposeBoolean('readOnly', { description: 'Changes nothing at the provider.' }),
    destructive: t.exposeBoolean('destructive', {
      description: 'May destroy or overwrite something that cannot be restored.',
    }),
    idempotent: t.exposeBoolean('idempotent', {
      description: 'Invoking it twice with the same input has the effect of invoking it once.',
    }),
  }),
});

const ActionErrorDescription = builder
  .objectRef<{ code: string; description: string }>('ActionErrorDescription')
  .implement({
    description:
      'A documented failure: invokeAction fails with extensions.code ACTION_FAILED and extensions.reason this code.',
    fields: (t) => ({ code: t.exposeString('code'), description: t.exposeString('description') }),
  });

export const Action = builder.objectRef<ActionCatalogEntry>('Action').implement({
  description: 'A typed provider operation Switchboard runs with a connection’s credentials.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'What invokeAction takes: github.create_issue.' }),
    provider: t.exposeID('provider'),
    name: t.exposeString('name', { description: 'The id without its provider: a tool name.' }),
    version: t.exposeInt('version'),
    description: t.exposeString('description', { description: 'When to use it.' }),
    inputSchema: t.field({
      type: 'JSON',
      description: 'JSON Schema (draft 2020-12) of `input`.',
      resolve: (action) => action.inputSchema,
    }),
    outputSchema: t.field({
      type: 'JSON',
      description: 'JSON Schema (draft 2020-12) of ActionResult.output.',
      resolve: (action) => action.outputSchema,
    }),
    scopes: t.exposeStringList('scopes', { description: 'Internal scopes it needs (issues.write).' }),
    providerScopes: t.exposeStringList('providerScopes', {
      description: 'The provider scopes those map to: an OAuth connection must have been granted them.',
    }),
    hints: t.field({ type: ActionHintsRef, resolve: (action) => action.hints }),
    errors: t.field({ type: [ActionErrorDescription], resolve: (action) => action.errors }),
    providerIdempotency: t.exposeBoolean('providerIdempotency', {
      description: 'True when the provider itself dedupes by the idempotency key (it is forwarded).',
    }),
  }),
});

builder.objectField(Provider, 'actions', (t) =>
  t.field({
    type: [Action],
    description: 'The actions this provider offers.',
    resolve: (manifest: ProviderManifest, _args, context) => listActions(context.catalog, manifest.id),
  }),
);

const RateLimit = builder.objectRef<RateLimitSnapshot>('RateLimit').implement({
  description: "The provider's rate-limit headers on its last answer; null where it sends none.",
  fields: (t) => ({
    remaining: t.exposeInt('remaining', { nullable: true }),
    resetAt: t.expose('resetAt', { type: 'DateTime', nullable: true }),
  }),
});

const ActionResultRef = builder.objectRef<ActionResult>('ActionResult').implement({
  fields: (t) => ({
    action: t.exposeID('action'),
    version: t.exposeInt('version'),
    output: t.field({
      type: 'JSON',
      description: "Fits the action's outputSchema.",
      resolve: (result) => result.output,
    }),
    providerStatus: t.exposeInt('providerStatus', {
      description: "The HTTP status of the provider's last answer.",
    }),
    rateLimit: t.field({ type: RateLimit, resolve: (result) => result.rateLimit }),
    replayed: t.exposeBoolean('replayed', {
      description:
        'True when this is the stored result of an earlier invocation with the same idempotencyKey.',
    }),
  }),
});

const InvokeActionInput = builder.inputType('InvokeActionInput', {
  fields: (t) => ({
    connectionId: t.id({ required: true }),
    action: t.id({ required: true, description: 'An Action.id offered by the connection’s provider.' }),
    input: t.field({ type: 'JSON', required: true, description: "Fits the action's inputSchema." }),
    idempotencyKey: t.string({
      required: false,
      description:
        'Repeating an invocation with the same key (within 24 hours) answers the first result instead of acting twice; forwarded to providers that dedupe by one.',
    }),
  }),
});

builder.queryFields((t) => ({
  actions: t.field({
    type: [Action],
    description: 'The action catalog (public): every provider’s actions, or one provider’s.',
    authScopes: { public: true },
    args: { provider: t.arg.id({ required: false }) },
    resolve: (_root, args, context) =>
      listActions(
        context.catalog,
        args.provider === null || args.provider === undefined ? null : String(args.provider),
      ),
  }),
}));

builder.mutationFields((t) => ({
  invokeAction: t.field({
    type: ActionResultRef,
    description:
      "Runs an action with one of the current tenant's connections (proxy:invoke). Errors: CONNECTION_NOT_FOUND, ACTION_NOT_FOUND, BAD_USER_INPUT (extensions.field is the input path), MISSING_SCOPES (extensions.missingScopes), CONNECTION_NOT_ACTIVE, PROVIDER_AUTH_ERROR, RATE_LIMITED (extensions.retryAt), PROVIDER_UNAVAILABLE, ACTION_FAILED (extensions.reason), PROVIDER_RESPONSE_INVALID, CONFLICT.",
    authScopes: { permission: 'proxy:invoke' },
    args: { input: t.arg({ type: InvokeActionInput, required: true }) },
    resolve: async (_root, { input }, context) =>
      invokeAction(context.actions, callerOf(context), await context.tenantId(), {
        connectionId: connectionIdArg(input.connectionId, 'input.connectionId'),
        action: String(input.action),
        input: input.input,
        idempotencyKey: input.idempotencyKey,
      }),
  }),
}));
