import type { z } from 'zod';
import { placeholdersOf } from '../../shared/placeholders.js';
import type { ManifestObject } from './schema/manifest-object.js';

type Context = z.RefinementCtx<ManifestObject>;

/**
 * Rules that span fields, each a small function that reports at the exact path it is about
 * (panva habit: named checks, precise paths, all problems at once).
 */
export function checkManifest(manifest: ManifestObject, ctx: Context): void {
  checkImplementation(manifest, ctx);
  checkAuthUrls(manifest, ctx);
  checkRevocation(manifest, ctx);
  checkScopeCatalog(manifest, ctx);
  checkScopePolicy(manifest, ctx);
  checkSyncs(manifest, ctx);
  checkCapabilities(manifest, ctx);
  checkAccountVerification(manifest, ctx);
  checkAccountDiscovery(manifest, ctx);
}

function report(ctx: Context, path: PropertyKey[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

function checkImplementation({ id, extends: base, implementation }: ManifestObject, ctx: Context): void {
  if (base === id) report(ctx, ['extends'], 'names the provider itself');
  if (implementation !== undefined && implementation !== (base ?? id)) {
    report(
      ctx,
      ['implementation'],
      `is derived from extends (or id), so it can only be "${base ?? id}"; leave it out`,
    );
  }
}

function checkAuthUrls({ auth }: ManifestObject, ctx: Context): void {
  if (auth.mode === 'oauth2') {
    if (!auth.authorizationUrl)
      report(ctx, ['auth', 'authorizationUrl'], 'is required when auth.mode is oauth2');
    if (!auth.tokenUrl) report(ctx, ['auth', 'tokenUrl'], 'is required when auth.mode is oauth2');
  }
  if (auth.mode === 'oauth2_cc' && !auth.tokenUrl) {
    report(ctx, ['auth', 'tokenUrl'], 'is required when auth.mode is oauth2_cc');
  }
  if (auth.issParameterSupported && !auth.issuer && !auth.oidcIssuer) {
    report(ctx, ['auth', 'issuer'], 'is required when auth.issParameterSupported is true');
  }
}

function checkRevocation({ auth }: ManifestObject, ctx: Context): void {
  const { revocation, revocationUrl } = auth;
  if (!revocation || !revocationUrl) return;
  if (revocation.kind === 'none' || revocation.url !== revocationUrl) {
    report(ctx, ['auth', 'revocationUrl'], 'disagrees with auth.revocation; give one or make them match');
  }
}

function checkScopeCatalog({ scopes }: ManifestObject, ctx: Context): void {
  const seen = new Set<string>();
  scopes.forEach((scope, index) => {
    if (seen.has(scope.id)) report(ctx, ['scopes', index, 'id'], `duplicates scope "${scope.id}"`);
    seen.add(scope.id);
  });
}

function checkScopePolicy({ scopes, scopePolicy }: ManifestObject, ctx: Context): void {
  const catalog = new Set(scopes.map((scope) => scope.id));
  const unknown = (scope: string) => `"${scope}" is not in the scope catalog`;
  for (const [name, targets] of Object.entries(scopePolicy.internal)) {
    if (catalog.has(name))
      report(ctx, ['scopePolicy', 'internal', name], 'names a provider scope; internal names must differ');
    targets.forEach((target, index) => {
      if (!catalog.has(target)) report(ctx, ['scopePolicy', 'internal', name, index], unknown(target));
      else if (scopePolicy.overBroad[target]) {
        report(
          ctx,
          ['scopePolicy', 'internal', name, index],
          `"${target}" is marked over-broad and would always be refused`,
        );
      }
    });
  }
  for (const [scope, policy] of Object.entries(scopePolicy.overBroad)) {
    if (!catalog.has(scope)) report(ctx, ['scopePolicy', 'overBroad', scope], unknown(scope));
    policy.suggest.forEach((suggestion, index) => {
      if (!catalog.has(suggestion))
        report(ctx, ['scopePolicy', 'overBroad', scope, 'suggest', index], unknown(suggestion));
      else if (scopePolicy.overBroad[suggestion]) {
        report(
          ctx,
          ['scopePolicy', 'overBroad', scope, 'suggest', index],
          `"${suggestion}" is itself over-broad`,
        );
      }
    });
  }
  scopePolicy.alwaysRequest.forEach((scope, index) => {
    if (!catalog.has(scope)) report(ctx, ['scopePolicy', 'alwaysRequest', index], unknown(scope));
  });
}

function checkSyncs({ syncs, scopes, scopePolicy }: ManifestObject, ctx: Context): void {
  const known = new Set([...scopes.map((scope) => scope.id), ...Object.keys(scopePolicy.internal)]);
  const seen = new Set<string>();
  syncs.forEach((sync, index) => {
    if (seen.has(sync.resource))
      report(ctx, ['syncs', index, 'resource'], `"${sync.resource}" is declared twice`);
    seen.add(sync.resource);
    sync.scopes.forEach((scope, scopeIndex) => {
      if (!known.has(scope))
        report(
          ctx,
          ['syncs', index, 'scopes', scopeIndex],
          `"${scope}" is neither an internal nor a catalog scope`,
        );
    });
  });
}

function checkCapabilities({ capabilities, webhooks }: ManifestObject, ctx: Context): void {
  if (capabilities.webhooks === true && !webhooks) {
    report(ctx, ['capabilities', 'webhooks'], 'is true but no webhooks scheme is declared');
  }
}

function checkAccountVerification({ auth, api }: ManifestObject, ctx: Context): void {
  const verification = auth.accountVerification;
  if (!verification) return;
  if (auth.callbackParams.length === 0) {
    report(ctx, ['auth', 'accountVerification'], 'confirms callbackParams, but none are declared');
  }
  const fields = new Set([...auth.callbackParams, ...Object.keys(auth.tokenResponse.accountFields)]);
  for (const name of placeholdersOf(`${api.baseUrl}${verification.path}`)) {
    if (!fields.has(name)) {
      report(
        ctx,
        ['auth', 'accountVerification', 'path'],
        `{${name}} is neither a callbackParam nor an accountField`,
      );
    }
  }
}

function checkAccountDiscovery({ auth }: ManifestObject, ctx: Context): void {
  // Only the authorization code install makes the call; other modes would never learn the values.
  if (auth.accountDiscovery && auth.mode !== 'oauth2') {
    report(
      ctx,
      ['auth', 'accountDiscovery'],
      'runs after an authorization code install: auth.mode must be oauth2',
    );
  }
}
