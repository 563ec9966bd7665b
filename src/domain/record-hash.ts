import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the same record always serializes the same way. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return item;
  });
}

function withoutPath(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0 || !value || typeof value !== 'object' || Array.isArray(value)) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (!(head in value)) return value;
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[head];
  else copy[head] = withoutPath(copy[head], rest);
  return copy;
}

/**
 * A record's content hash: SHA-256 (base64url) over its canonical JSON less the manifest's volatile
 * fields (dotted paths), so a change of those alone (a view count, a sync timestamp) is no change.
 */
export function recordHash(data: unknown, volatileFields: readonly string[] = []): string {
  const stable = volatileFields.reduce((current, field) => withoutPath(current, field.split('.')), data);
  return createHash('sha256').update(canonicalJson(stable)).digest('base64url');
}
