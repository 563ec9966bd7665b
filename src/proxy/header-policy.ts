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

/**
 * The caller's headers the provider gets: the allowlist, `if-*` conditionals, and the manifest's
 * own (an API version header). The auth the hub injects is added after, so nothing here can
 * override it.
 */
export function forwardedRequestHeaders(
  headers: IncomingHttpHeaders,
  declared: readonly string[],
): Record<string, string> {
  const allowed = new Set(declared.map((name) => name.toLowerCase()));
  const forwarded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
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
  // Headers named in `Connection` are hop-by-hop too (RFC 9110 7.6.1).
  const connection = headers['connection'];
  const named = new Set(
    (Array.isArray(connection) ? connection.join(',') : (connection ?? ''))
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || NEVER_RETURNED.has(lower) || named.has(lower)) continue;
    if (lower.startsWith('access-control-')) continue;
    returned[lower] = value;
  }
  return returned;
}
