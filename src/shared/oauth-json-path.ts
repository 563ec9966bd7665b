/**
 * Reads a manifest's dotted path (`authed_user.access_token`, `team.id`) from a decoded response.
 * Token responses are objects all the way down, so `[]` segments (arrays, used by webhook routing)
 * read nothing here.
 */
export function readPath(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const key of path.split('.')) {
    if (key.endsWith('[]') || typeof current !== 'object' || current === null || Array.isArray(current)) {
      return undefined;
    }
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A non-empty string, or a number written as one (account ids such as HubSpot's hub_id). */
export function readString(document: unknown, path: string | undefined): string | null {
  if (path === undefined) return null;
  const value = readPath(document, path);
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Seconds as a number or a numeric string (form-encoded responses carry only strings). */
export function readSeconds(document: unknown, path: string | undefined): number | null {
  if (path === undefined) return null;
  const value = readPath(document, path);
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}
