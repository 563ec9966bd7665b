import type { z } from 'zod';
import { checkManifest } from './manifest-checks.js';
import { describeProblems, type ManifestProblem, problemsOf } from './problems.js';
import { manifestObjectSchema } from './schema/manifest-object.js';

/**
 * The provider manifest: everything Switchboard knows about a provider, as data (ARCHITECTURE.md
 * "Connectors"). Built-in manifests and custom ones from SWITCHBOARD_PROVIDERS_FILE go through this
 * one schema. Objects are strict so a typo in a providers file is an error, not a silent default.
 * Parsing is idempotent: a parsed manifest parses to itself, so the catalog can re-validate.
 */
export const manifestSchema = manifestObjectSchema.superRefine(checkManifest).transform((manifest) => ({
  ...manifest,
  // Code (webhook normalizers, syncs) is looked up by this, never by id, so extensions run their base's.
  implementation: manifest.extends ?? manifest.id,
  auth: {
    ...manifest.auth,
    // One place to read revocation from: the shorthand URL becomes an RFC 7009 entry, and a
    // provider that names neither has none.
    revocation:
      manifest.auth.revocation ??
      (manifest.auth.revocationUrl
        ? {
            kind: 'rfc7009' as const,
            url: manifest.auth.revocationUrl,
            clientAuth: manifest.auth.clientAuth,
            bodyEncoding: 'form' as const,
            token: 'refresh_token' as const,
            notes: [],
          }
        : {
            kind: 'none' as const,
            reason: 'The provider manifest declares no revocation endpoint.',
            notes: [],
          }),
  },
  capabilities: {
    webhooks: manifest.capabilities.webhooks ?? manifest.webhooks !== undefined,
    sync: manifest.capabilities.sync ?? manifest.syncs.length > 0,
    actions: manifest.capabilities.actions ?? false,
  },
}));

export type ProviderManifestInput = z.input<typeof manifestSchema>;
export type ProviderManifest = z.output<typeof manifestSchema>;
export type ProviderScope = ProviderManifest['scopes'][number];

export class ManifestError extends Error {
  readonly problems: ManifestProblem[];

  constructor(subject: string, problems: ManifestProblem[]) {
    super(`${subject} is invalid:\n${describeProblems(problems)}`);
    this.name = 'ManifestError';
    this.problems = problems;
  }
}

/** What each defineManifest call was given: the declaration an extension patches (providers-file.ts). */
const declarations = new WeakMap<ProviderManifest, ProviderManifestInput>();

/**
 * Validates a built-in manifest when its module loads, so a bad manifest fails the first import
 * (and the catalog test) instead of a request at run time.
 */
export function defineManifest(input: ProviderManifestInput): ProviderManifest {
  const result = manifestSchema.safeParse(input);
  if (!result.success) {
    const id = typeof input.id === 'string' ? input.id : '(no id)';
    throw new ManifestError(`Provider manifest "${id}"`, problemsOf(result.error));
  }
  declarations.set(result.data, structuredClone(input));
  return result.data;
}

/**
 * The declaration a manifest was defined from, before defaults and derived values: patching that,
 * not the parsed manifest, lets an extension's change re-derive what follows from it (revocation
 * from revocationUrl, capabilities from webhooks and syncs). A manifest parsed elsewhere is its own
 * declaration (parsing is idempotent), derived values included.
 */
export function declarationOf(manifest: ProviderManifest): ProviderManifestInput {
  return structuredClone(declarations.get(manifest) ?? manifest);
}

/** Every auth mode a provider accepts: the primary one, then the alternatives. */
export function authModesOf(manifest: ProviderManifest): ProviderManifest['auth']['mode'][] {
  return [
    ...new Set([manifest.auth.mode, ...manifest.auth.alternatives.map((alternative) => alternative.mode)]),
  ];
}
