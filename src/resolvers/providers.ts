import { authModesOf, type ProviderManifest, type ProviderScope } from '../connectors/sdk/manifest.js';
import { builder } from './builder.js';

const AuthMode = builder.enumType('AuthMode', {
  values: {
    OAUTH2: { value: 'oauth2' },
    OAUTH2_CC: { value: 'oauth2_cc' },
    API_KEY: { value: 'api_key' },
    BASIC: { value: 'basic' },
    APP_JWT: { value: 'app_jwt' },
  } as const,
});

const ProviderScopeType = builder.objectRef<ProviderScope>('ProviderScope').implement({
  description: 'A scope as the provider spells it.',
  fields: (t) => ({ id: t.exposeID('id'), description: t.exposeString('description') }),
});

const InternalScope = builder
  .objectRef<{ name: string; providerScopes: string[] }>('InternalScope')
  .implement({
    description:
      "Switchboard's provider-neutral scope (e.g. issues.read) and the provider scopes that grant it.",
    fields: (t) => ({ name: t.exposeString('name'), providerScopes: t.exposeStringList('providerScopes') }),
  });

const Capabilities = builder.objectRef<ProviderManifest['capabilities']>('ProviderCapabilities').implement({
  fields: (t) => ({
    webhooks: t.exposeBoolean('webhooks'),
    sync: t.exposeBoolean('sync'),
    actions: t.exposeBoolean('actions'),
  }),
});

export const Provider = builder.objectRef<ProviderManifest>('Provider').implement({
  description: 'A third-party service Switchboard can connect to, from the connector catalog.',
  fields: (t) => ({
    id: t.exposeID('id'),
    displayName: t.exposeString('displayName'),
    categories: t.exposeStringList('categories'),
    authModes: t.field({ type: [AuthMode], resolve: (manifest) => authModesOf(manifest) }),
    scopes: t.field({ type: [ProviderScopeType], resolve: (manifest) => manifest.scopes }),
    internalScopes: t.field({
      type: [InternalScope],
      resolve: (manifest) =>
        Object.entries(manifest.scopePolicy.internal).map(([name, providerScopes]) => ({
          name,
          providerScopes,
        })),
    }),
    capabilities: t.field({ type: Capabilities, resolve: (manifest) => manifest.capabilities }),
    docsUrl: t.exposeString('docsUrl', { nullable: true }),
    builtIn: t.boolean({ resolve: (manifest, _args, context) => context.catalog.isBuiltIn(manifest.id) }),
    extends: t.exposeString('extends', {
      nullable: true,
      description:
        'The built-in provider this custom one extends (its syncs, webhook verification and normalizers); null for others.',
    }),
  }),
});

builder.queryFields((t) => ({
  providers: t.field({
    type: [Provider],
    description: 'The provider catalog (public).',
    authScopes: { public: true },
    resolve: (_root, _args, context) => context.catalog.list(),
  }),
  provider: t.field({
    type: Provider,
    nullable: true,
    description: 'One provider by id (public); null when unknown.',
    authScopes: { public: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.catalog.get(String(args.id)) ?? null,
  }),
}));
