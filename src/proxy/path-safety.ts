import { ProxyPathRefusedError } from './errors.js';

type Rule = readonly [RegExp, string];

const DOT_SEGMENTS: Rule = [/(^|\/)\.\.?(\/|$)/, 'dot segments ("." and "..") are not allowed'];
const EMPTY_SEGMENTS: Rule = [/\/\//, 'empty segments ("//") are not allowed'];
const SCHEME: Rule = [
  /^[a-z][a-z0-9+.-]*:/i,
  'a scheme is not allowed: paths are relative to the API base URL',
];

/**
 * Rules a proxied path must pass, on the raw bytes the caller sent (before any decoding, since a
 * decoder is what turns `%2e%2e` into `..`). Each refusal names its rule; none opens a socket.
 */
const RULES: readonly Rule[] = [
  [/[\r\n\0]|%0[ad]|%00/i, 'control characters (CR, LF, NUL) are not allowed'],
  [/\\|%5c/i, 'backslashes are not allowed'],
  [/@|%40/i, '"@" is not allowed (it could name a user or host)'],
  [/%2e|%2f|%252/i, 'encoded dots and slashes are not allowed'],
  DOT_SEGMENTS,
  EMPTY_SEGMENTS,
  SCHEME,
  [/[^\x21-\x7e]/, 'only printable ASCII is allowed (percent-encode the rest)'],
  [/%(?![0-9a-f]{2})/i, 'a malformed percent-encoding is not allowed'],
];

/**
 * Most paths hold nothing but RFC 3986 unreserved and sub-delims characters and slashes: no "%",
 * "@", backslash, control or non-ASCII byte, so only these rules (in RULES' order) can refuse them.
 */
const PLAIN = /^[A-Za-z0-9._~!$&'()*+,;=:/-]*$/;
const PLAIN_RULES: readonly Rule[] = [DOT_SEGMENTS, EMPTY_SEGMENTS, SCHEME];

/**
 * The path below the API base URL, as it goes on the wire: `/repos/o/r/issues` from the raw
 * `repos/o/r/issues`. Throws ProxyPathRefusedError for anything that could leave the base URL's
 * prefix or reach another host.
 */
export function safeProxyPath(rawPath: string): string {
  // The same rules in the same order (so the same reason): a plain path skips those it cannot break.
  const rules = PLAIN.test(rawPath) ? PLAIN_RULES : RULES;
  for (const [pattern, reason] of rules) if (pattern.test(rawPath)) throw new ProxyPathRefusedError(reason);
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
