import type { IncomingHttpHeaders } from 'node:http';

/** What a caller may pass on to the provider, beyond what the manifest declares (api.proxyHeaders). */
const FORWARDED = new Set(['accept', 'accept-language', 'content-type', 'range', 'idempotency-key']);

/**
 * Never forwarded, whatever a manifest declares: the caller's own credentials and tenant, and
 * anything that could change how the hop is framed or routed.
 */
const NEVER_FORWARDED = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-tenant-id',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/** Hop-by-hop (RFC 9110 7.6.1) and what a provider must not set on the hub's origin. */
const NEVER_RETURNED = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
  'set-cookie2',
  'server-timing',
  'strict-transport-security',
  'alt-svc',
]);

/** The manifest's declared header names, lower-cased once per manifest (its array lives as long as it does). */
const declaredSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function declaredSet(declared: readonly string[]): ReadonlySet<string> {
  let set = declaredSets.get(declared);
  if (!set) {
    set = new Set(declared.map((name) => name.toLowerCase()));
    declaredSets.set(declared, set);
  }
  return set;
}

/**
 * The caller's headers the provider gets: the allowlist, `if-*` conditionals, and the manifest's
 * own (an API version header). The auth the hub injects is added after, so nothing here can
 * override it.
 */
export function forwardedRequestHeaders(
  headers: IncomingHttpHeaders,
  declared: readonly string[],
): Record<string, string> {
  const allowed = declaredSet(declared);
  const forwarded: Record<string, string> = {};
  // Node's parser gives lower-case names. Object.keys, not for..in: own names only, whatever a
  // polluted prototype might add; and no [name, value] pair per header as Object.entries makes.
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || NEVER_FORWARDED.has(name)) continue;
    if (FORWARDED.has(name) || name.startsWith('if-') || allowed.has(name)) {
      forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return forwarded;
}

/** The provider's response headers the caller gets: all but hop-by-hop, cookies and CORS. */
export function returnedResponseHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const returned: Record<string, string | string[]> = {};
  // Headers named in `Connection` are hop-by-hop too (RFC 9110 7.6.1); usually it names none.
  const named = namedInConnection(headers['connection']);
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (NEVER_RETURNED.has(lower) || named?.has(lower) || lower.startsWith('access-control-')) continue;
    returned[lower] = value;
  }
  return returned;
}

/** The header names a Connection header lists beyond keep-alive and close, or null when none. */
function namedInConnection(connection: string | string[] | undefined): Set<string> | null {
  if (connection === undefined) return null;
  const names = (Array.isArray(connection) ? connection.join(',') : connection)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name && name !== 'keep-alive' && name !== 'close');
  return names.length ? new Set(names) : null;
}
