/**
 * The one reader of manifest JSON paths (`team_id`, `team.id`, `value[].clientState`,
 * `[].portalId`; see jsonPath in the manifest schema), for webhook bodies and token responses alike.
 */

/**
 * Every value at the path in a parsed body.
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

/**
 * The single value at a path without `[]` segments (`authed_user.access_token`), as token
 * responses use them; undefined when it is absent or the path spreads over arrays. A top-level key
 * spelled exactly as the path wins over reading it segment by segment: OData annotations
 * (Microsoft Graph's `@odata.nextLink`) are single keys with dots in their names.
 */
export function readPath(document: unknown, path: string): unknown {
  if (path.includes('[]')) return undefined;
  if (path.includes('.')) {
    const whole = propertyOf(document, path);
    if (whole !== undefined) return whole;
  }
  return valuesAt(document, path)[0];
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

function propertyOf(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
