import { mergePatch } from '../shared/json-merge-patch.js';
import { declarationOf, type ProviderManifest } from './sdk/manifest.js';
import type { ManifestProblem } from './sdk/problems.js';

/** The manifest input an entry stands for, and the built-in it extends (null: none). */
export type ResolvedEntry =
  | { ok: true; input: unknown; base: ProviderManifest | null }
  | { ok: false; problems: ManifestProblem[] };

/**
 * A providers-file entry with `extends` is a JSON Merge Patch (RFC 7396) over the built-in
 * declaration it names: objects merge key by key, arrays and other values replace, `null` removes.
 * The result is a whole manifest, validated like any other, whose code (normalizers, syncs) is the
 * base's. Only built-ins can be extended, so `implementation` is always one hop away.
 */
export function resolveExtension(
  entry: unknown,
  index: number,
  builtIns: ReadonlyMap<string, ProviderManifest>,
  customIds: ReadonlySet<string>,
): ResolvedEntry {
  if (entry === null || typeof entry !== 'object' || !Object.hasOwn(entry, 'extends')) {
    return { ok: true, input: entry, base: null };
  }
  const { extends: name, id } = entry as { extends: unknown; id?: unknown };
  const base = typeof name === 'string' ? builtIns.get(name) : undefined;
  if (!base) {
    const at = `providers[${index}].extends`;
    const message =
      typeof name !== 'string'
        ? 'must be the id of a built-in provider'
        : customIds.has(name)
          ? `"${name}" is a custom provider; only built-in providers can be extended`
          : `"${name}" is not a built-in provider`;
    return { ok: false, problems: [{ path: at, message }] };
  }
  const merged = mergePatch(declarationOf(base), entry) as Record<string, unknown>;
  // The id is never inherited: an extension without one would otherwise pose as its base.
  return { ok: true, input: { ...merged, id }, base };
}

/** What the base's sync code relies on; an extension may retune the rest (frequency, scopes, notes). */
const FIXED_BY_CODE = ['model', 'cursor', 'deletes', 'primaryKey'] as const;

/**
 * Syncs are code: a custom provider can only run those of the built-in it extends, as that code
 * expects them (same resource, model, cursor, deletes and primary key).
 */
export function syncProblems(
  manifest: ProviderManifest,
  base: ProviderManifest | null,
  index: number,
): ManifestProblem[] {
  if (!base) {
    return manifest.syncs.length === 0
      ? []
      : [
          {
            path: `providers[${index}].syncs`,
            message: 'a custom provider has no sync code; extend a built-in provider to run its syncs',
          },
        ];
  }
  return manifest.syncs.flatMap((sync, syncIndex) => {
    const at = `providers[${index}].syncs[${syncIndex}]`;
    const original = base.syncs.find((candidate) => candidate.resource === sync.resource);
    if (!original) {
      return [{ path: `${at}.resource`, message: `"${sync.resource}" is not a resource ${base.id} syncs` }];
    }
    return FIXED_BY_CODE.filter((field) => sync[field] !== original[field]).map((field) => ({
      path: `${at}.${field}`,
      message: `must stay ${JSON.stringify(original[field])}: ${base.id}'s ${sync.resource} sync relies on it`,
    }));
  });
}
