/**
 * Reads a manifest JSON path (`team_id`, `team.id`, `value[].clientState`, `[].portalId`; see
 * jsonPath in the manifest schema) out of a parsed body.
 *
 * One entry per branch followed, `undefined` where a branch has no value, so a caller can tell
 * "every notification carries a clientState" from "some do" (Graph must refuse the latter).
 */
export function valuesAt(document: unknown, path: string): unknown[] {
  let current: unknown[] = [document];
  for (const segment of path.split('.')) {
    const spread = segment.endsWith('[]');
    const key = spread ? segment.slice(0, -2) : segment;
    current = current.flatMap((value) => {
      const child = key === '' ? value : propertyOf(value, key);
      if (!spread) return [child];
      return Array.isArray(child) ? child : [undefined];
    });
  }
  return current;
}

/** The first value at the path that can serve as an id: a non-empty string, or a finite number. */
export function firstIdAt(document: unknown, path: string): string | null {
  for (const value of valuesAt(document, path)) {
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return null;
}

function propertyOf(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
