import { actionsOf } from '../../connectors/actions.js';
import type { ProviderCatalog } from '../../connectors/catalog.js';
import { type AnyAction, jsonSchemaOf, providerScopesFor } from '../../connectors/sdk/action.js';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type { ActionCatalogEntry } from './types.js';

/** JSON Schemas are derived once per action: the catalog is read on every MCP list and GraphQL query. */
const schemas = new WeakMap<AnyAction, { input: Record<string, unknown>; output: Record<string, unknown> }>();

function schemasOf(action: AnyAction) {
  let cached = schemas.get(action);
  if (!cached) {
    cached = { input: jsonSchemaOf(action.input, 'input'), output: jsonSchemaOf(action.output, 'output') };
    schemas.set(action, cached);
  }
  return cached;
}

export function catalogEntry(manifest: ProviderManifest, action: AnyAction): ActionCatalogEntry {
  const { input, output } = schemasOf(action);
  return {
    provider: manifest.id,
    id: action.id,
    name: action.id.slice(action.id.indexOf('.') + 1),
    version: action.version,
    description: action.description,
    inputSchema: structuredClone(input),
    outputSchema: structuredClone(output),
    scopes: [...action.scopes],
    providerScopes: providerScopesFor(manifest.scopePolicy.internal, action.scopes),
    hints: { ...action.hints },
    errors: action.errors.map(({ code, description }) => ({ code, description })),
    providerIdempotency: action.idempotency !== undefined,
  };
}

/**
 * The action catalog: every provider's actions, or one provider's (an unknown provider has none).
 * Public: it says what the hub can do, never anything about a tenant.
 */
export function listActions(catalog: ProviderCatalog, provider?: string | null): ActionCatalogEntry[] {
  const manifests =
    provider === undefined || provider === null ? catalog.list() : [catalog.get(provider)].filter((m) => !!m);
  return manifests.flatMap((manifest) =>
    actionsOf(manifest.implementation).map((action) => catalogEntry(manifest, action)),
  );
}
