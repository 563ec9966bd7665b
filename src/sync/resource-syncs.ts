import type { ProviderCatalog } from '../connectors/catalog.js';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import type { SyncDeclaration } from '../connectors/sdk/schema/syncs.js';
import type { AnyResourceSync } from '../connectors/sdk/sync.js';
import { resourceSyncOf } from '../connectors/syncs.js';
import { NotFoundError } from '../shared/errors.js';

/** The provider whose code runs a manifest: its base when it `extends` one, itself otherwise. */
export const implementationOf = (manifest: ProviderManifest): string => manifest.implementation;

export interface ResolvedResourceSync {
  manifest: ProviderManifest;
  declaration: SyncDeclaration;
  resourceSync: AnyResourceSync;
}

/** The manifest's declaration of a resource and the connector code that lists it. */
export function resolveResourceSync(
  catalog: ProviderCatalog,
  provider: string,
  resource: string,
): ResolvedResourceSync {
  const manifest = catalog.require(provider);
  const declaration = manifest.syncs.find((sync) => sync.resource === resource);
  const resourceSync = declaration ? resourceSyncOf(implementationOf(manifest), resource) : undefined;
  if (!declaration || !resourceSync) {
    throw new NotFoundError(
      'SYNC_RESOURCE_NOT_SUPPORTED',
      `${manifest.displayName} has no sync for "${resource}"`,
      {
        provider,
        resource,
        resources: manifest.syncs.map((sync) => sync.resource),
      },
    );
  }
  return { manifest, declaration, resourceSync };
}
