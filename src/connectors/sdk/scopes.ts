import { BadUserInputError } from '../../shared/errors.js';
import type { ProviderManifest } from './manifest.js';

export interface ResolvedScopes {
  /** Provider scopes to request, de-duplicated, in request order, `alwaysRequest` first. */
  providerScopes: string[];
  /** The same scopes grouped by authorization parameter (`scope`, Slack's `user_scope`). */
  byParam: Record<string, string[]>;
}

/**
 * Applies a manifest's scope policy to what a caller asked for (issue 4, rule 7). A requested name
 * is an internal scope (`issues.read`) or a provider scope from the catalog; anything else is
 * refused, and so is any over-broad scope, with the narrower ones to ask for instead. Pure: the
 * OAuth broker calls it before it builds an authorization URL.
 */
export function resolveScopes(manifest: ProviderManifest, requested: readonly string[]): ResolvedScopes {
  const { scopePolicy } = manifest;
  const catalog = new Map(manifest.scopes.map((scope) => [scope.id, scope]));
  const unknown: string[] = [];
  const wanted: string[] = [...scopePolicy.alwaysRequest];

  for (const name of requested) {
    const mapped = scopePolicy.internal[name];
    if (mapped) wanted.push(...mapped);
    else if (catalog.has(name)) wanted.push(name);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw new BadUserInputError(
      `Unknown scope${unknown.length === 1 ? '' : 's'} for ${manifest.displayName}: ${unknown.join(', ')}. ` +
        `Ask for internal scopes (${Object.keys(scopePolicy.internal).join(', ') || 'none'}) or scopes from the provider's catalog.`,
      { provider: manifest.id, unknown },
    );
  }

  const providerScopes = [...new Set(wanted)];
  const refused = providerScopes.filter((scope) => scopePolicy.overBroad[scope]);
  if (refused.length > 0) {
    const explanations = refused.map((scope) => {
      const policy = scopePolicy.overBroad[scope]!;
      const instead = policy.suggest.length > 0 ? ` Ask for ${policy.suggest.join(' or ')} instead.` : '';
      return `"${scope}" is over-broad: ${policy.reason}${instead}`;
    });
    throw new BadUserInputError(`Refused scopes for ${manifest.displayName}. ${explanations.join(' ')}`, {
      provider: manifest.id,
      overBroad: Object.fromEntries(refused.map((scope) => [scope, scopePolicy.overBroad[scope]!.suggest])),
    });
  }

  const byParam: Record<string, string[]> = {};
  for (const scope of providerScopes) {
    const param = catalog.get(scope)?.param ?? 'scope';
    byParam[param] = [...(byParam[param] ?? []), scope];
  }
  return { providerScopes, byParam };
}

/** The scope parameter value as the provider wants it: space-, comma- or otherwise-separated. */
export function joinScopes(manifest: ProviderManifest, scopes: readonly string[]): string {
  return scopes.join(manifest.auth.scopeSeparator);
}
