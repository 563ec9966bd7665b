import { NotFoundError } from '../shared/errors.js';
import { BUILT_IN_MANIFESTS } from './built-ins.js';
import { loadProvidersFile } from './providers-file.js';
import type { ProviderManifest } from './sdk/manifest.js';

export { BUILT_IN_MANIFESTS } from './built-ins.js';
export { loadProvidersFile, ProvidersFileError } from './providers-file.js';

/**
 * The providers this instance serves: the built-in manifests followed by custom ones from
 * SWITCHBOARD_PROVIDERS_FILE. Built once at startup and read-only afterwards.
 */
export class ProviderCatalog {
  readonly #byId = new Map<string, ProviderManifest>();
  readonly #builtInIds: ReadonlySet<string>;

  constructor(
    custom: readonly ProviderManifest[] = [],
    builtIns: readonly ProviderManifest[] = BUILT_IN_MANIFESTS,
  ) {
    this.#builtInIds = new Set(builtIns.map((manifest) => manifest.id));
    for (const manifest of builtIns) {
      // A private network is the operator's to open (providers file), never a built-in's.
      if (manifest.api.allowPrivateNetwork)
        throw new Error(`Built-in provider "${manifest.id}" may not set api.allowPrivateNetwork`);
    }
    for (const manifest of [...builtIns, ...custom]) {
      // loadProvidersFile already refuses collisions; this guards catalogs assembled by hand.
      if (this.#byId.has(manifest.id)) throw new Error(`Provider id "${manifest.id}" is declared twice`);
      if (manifest.extends !== undefined && !this.#builtInIds.has(manifest.extends))
        throw new Error(`Provider "${manifest.id}" extends "${manifest.extends}", which is not built in`);
      this.#byId.set(manifest.id, manifest);
    }
  }

  /** The built-ins plus, when a path is given, the providers file (which may stop startup). */
  static async load(providersFile?: string): Promise<ProviderCatalog> {
    return new ProviderCatalog(providersFile ? await loadProvidersFile(providersFile) : []);
  }

  list(): ProviderManifest[] {
    return [...this.#byId.values()];
  }

  get(id: string): ProviderManifest | undefined {
    return this.#byId.get(id);
  }

  /** Like get, for commands: an unknown provider is the caller's mistake, with a stable code. */
  require(id: string): ProviderManifest {
    const manifest = this.#byId.get(id);
    if (!manifest)
      throw new NotFoundError('PROVIDER_NOT_SUPPORTED', `Provider "${id}" is not supported`, {
        provider: id,
      });
    return manifest;
  }

  isBuiltIn(id: string): boolean {
    return this.#builtInIds.has(id);
  }
}
