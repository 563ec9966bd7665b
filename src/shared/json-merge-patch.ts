/**
 * RFC 7396 JSON Merge Patch: objects merge key by key, `null` removes a key, and anything else
 * (arrays included) replaces what was there. Neither argument is modified.
 * https://www.rfc-editor.org/rfc/rfc7396
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const base = isPlainObject(target) ? target : {};
  const keys = new Set([...Object.keys(base), ...Object.keys(patch)]);
  const entries: Array<[string, unknown]> = [];
  for (const key of keys) {
    const inherited = Object.hasOwn(base, key) ? base[key] : undefined;
    if (!Object.hasOwn(patch, key)) entries.push([key, inherited]);
    else if (patch[key] !== null) entries.push([key, mergePatch(inherited, patch[key])]);
  }
  // fromEntries defines own properties, so a "__proto__" key in a file stays data.
  return Object.fromEntries(entries);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
