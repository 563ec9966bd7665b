/** Why `entry` is not an origin (`https://app.example.com`, `http://localhost:5173`), or null. */
export function originProblem(entry: string): string | null {
  if (entry === '*' || entry === 'null') return 'must be an exact origin (no wildcard, no "null")';
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return 'is not an origin such as https://app.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https origin';
  if (url.origin !== entry) return `must be an origin alone, with no path or trailing slash (${url.origin})`;
  return null;
}

/**
 * Why `entry` cannot be a frame-ancestors source of the Connect page, or null: `'self'` or an exact
 * origin. `'none'` is the default (an empty list) and `*` would let any site frame it.
 */
export function frameAncestorProblem(entry: string): string | null {
  if (entry === "'self'" || entry === 'self') return null;
  if (entry === "'none'" || entry === 'none') return "is the default: leave the variable empty for 'none'";
  return originProblem(entry);
}
