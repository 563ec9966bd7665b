/**
 * Where the OAuth callback may send a user: a redirectUri must match an allowlist entry, an exact
 * origin plus a path prefix (segment-aware: `/oauth` allows `/oauth` and `/oauth/done`, not
 * `/oauthx`). Entries come from a tenant (configureRedirectAllowlist) and from the operator
 * (SWITCHBOARD_REDIRECT_ALLOWLIST); both are checked with these rules.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why an entry cannot be one, or null when it can: absolute https (http on loopback), no credentials, query or fragment. */
export function allowlistEntryProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    return 'must use https (plain http only on 127.0.0.1, localhost or [::1])';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.search !== '' || value.includes('?'))
    return 'must not have a query: an entry is an origin and a path';
  if (url.hash !== '' || value.includes('#'))
    return 'must not have a fragment: an entry is an origin and a path';
  // The URL parser takes `*` as a host character; a wildcard here would read as one and match nothing.
  if (url.hostname.includes('*')) return 'must name one host (no wildcards)';
  return null;
}

/** The entry as it is stored and compared: lowercase origin without a default port, path without a trailing `/`. */
export function normalizeAllowlistEntry(value: string): string {
  const url = new URL(value);
  return `${url.origin}${trimSlash(url.pathname)}`;
}

/** Does a (parsed, so dot segments are resolved) redirectUri match one of the normalized entries? */
export function isRedirectAllowed(redirectUri: URL, allowlist: readonly string[]): boolean {
  const path = redirectUri.pathname;
  return allowlist.some((entry) => {
    const url = new URL(entry);
    if (url.origin !== redirectUri.origin) return false;
    const prefix = trimSlash(url.pathname);
    return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
  });
}

const trimSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path) || '/';
