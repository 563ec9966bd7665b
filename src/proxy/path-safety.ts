import { ProxyPathRefusedError } from './errors.js';

/**
 * Rules a proxied path must pass, on the raw bytes the caller sent (before any decoding, since a
 * decoder is what turns `%2e%2e` into `..`). Each refusal names its rule; none opens a socket.
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\r\n\0]|%0[ad]|%00/i, 'control characters (CR, LF, NUL) are not allowed'],
  [/\\|%5c/i, 'backslashes are not allowed'],
  [/@|%40/i, '"@" is not allowed (it could name a user or host)'],
  [/%2e|%2f|%252/i, 'encoded dots and slashes are not allowed'],
  [/(^|\/)\.\.?(\/|$)/, 'dot segments ("." and "..") are not allowed'],
  [/\/\//, 'empty segments ("//") are not allowed'],
  [/^[a-z][a-z0-9+.-]*:/i, 'a scheme is not allowed: paths are relative to the API base URL'],
  [/[^\x21-\x7e]/, 'only printable ASCII is allowed (percent-encode the rest)'],
  [/%(?![0-9a-f]{2})/i, 'a malformed percent-encoding is not allowed'],
];

/**
 * The path below the API base URL, as it goes on the wire: `/repos/o/r/issues` from the raw
 * `repos/o/r/issues`. Throws ProxyPathRefusedError for anything that could leave the base URL's
 * prefix or reach another host.
 */
export function safeProxyPath(rawPath: string): string {
  for (const [pattern, reason] of RULES) if (pattern.test(rawPath)) throw new ProxyPathRefusedError(reason);
  return rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
}

/** The path joined under the base URL's own path; the result must stay under that prefix and origin. */
export function proxiedUrl(base: URL, path: string, rawQuery: string): URL {
  const prefix = base.pathname.replace(/\/$/, '');
  const url = new URL(base.origin);
  url.pathname = `${prefix}${path}`;
  url.search = rawQuery;
  // Belt and braces: the rules above should make these unreachable.
  if (url.origin !== base.origin || !url.pathname.startsWith(`${prefix}/`)) {
    throw new ProxyPathRefusedError('the path leaves the API base URL');
  }
  return url;
}
