import { CONNECT_SESSION_TOKEN_PREFIX } from '../shared/connect-session-token.js';
import { CALLBACK_PARENTS, CALLBACK_SECRET_NAMES, SECRET_NAMES } from './log-secret-names.js';

/**
 * Censors what looks like a credential anywhere in a serialized log line: in a message, an error's
 * stack, a URL, a body logged as text. Redaction by path only covers the fields it names; a token
 * pasted into a message or an upstream error's text would pass it.
 *
 * It runs on the line pino already serialized (its `streamWrite` hook), so a line costs one scan of
 * a string and nothing is cloned. Replacements contain no quote or backslash: the line stays JSON.
 */

export const CENSORED = '[redacted]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parameters whose values are credentials in a query string or a form body. */
const SECRET_PARAMETERS = [
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'code',
  'code_verifier',
  'state',
  'token',
  'api_key',
  'apikey',
  'password',
  'validationToken',
  'session_token',
  'connect_token',
  'csrf',
].join('|');

/** JSON fields (and headers) whose values are credentials at any depth. */
const SECRET_FIELDS = SECRET_NAMES.map(escapeRegExp).join('|');

/**
 * One alternation, so a line is scanned once; each branch keeps its prefix (the scheme, the name)
 * as group 1 and loses the secret. Case-sensitive on purpose: a credential after Bearer or Basic
 * must hold a digit, a capital or a symbol, so prose ("Basic authentication") stays readable.
 */
const PATTERNS = [
  String.raw`(\b(?:Bearer|bearer|BEARER|Basic|basic|BASIC)\s+)(?=[A-Za-z0-9\-._~+/]*[0-9A-Z\-._~+/])[A-Za-z0-9\-._~+/]{8,}=*`,
  // JWTs (header.payload.signature, each base64url; the header always starts with {" → eyJ).
  String.raw`()\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`,
  // GitHub personal, OAuth, app installation, user-to-server and refresh tokens, fine-grained PATs.
  String.raw`()\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})`,
  // Slack bot, user, app-level, configuration and refresh tokens.
  String.raw`()\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{8,}`,
  // Google OAuth access tokens and refresh tokens.
  String.raw`()\b(?:ya29\.[A-Za-z0-9_\-.]{8,}|1//[A-Za-z0-9_-]{20,})`,
  // Connect session tokens anywhere, and whatever long segment follows /connect/ in a path.
  String.raw`()\b${CONNECT_SESSION_TOKEN_PREFIX}[A-Za-z0-9_-]{8,}`,
  '(/connect/)[A-Za-z0-9_-]{20,}',
  // A password in a URL's user information (postgres://user:password@host).
  String.raw`(://[^:/@\s"\\]+:)[^@\s"\\/]+(?=@)`,
  // name=value in URLs, query strings and form bodies (the value stops at &, space, quote, escape).
  String.raw`(\b(?:${SECRET_PARAMETERS})=)[^&\s"\\<>]+`,
  // "name":"value" in JSON text, as pino wrote it or escaped inside a string ...
  String.raw`(\\?"(?:${SECRET_FIELDS})\\?"\s*:\s*\\?")[^"\\]+`,
  // ... and "name":["value", …] (set-cookie, a header sent twice), all values as one.
  String.raw`("(?:${SECRET_FIELDS})":\[")[^\]]*(?="\])`,
  // Names secret only in an OAuth callback's query or a token request's body (not an error's code).
  String.raw`(?<="(?:${CALLBACK_PARENTS.join('|')})":\{[^{}]*)("(?:${CALLBACK_SECRET_NAMES.join('|')})":")[^"\\]+`,
];

export type LineCensor = (line: string) => string;

/**
 * A censor for serialized lines. `knownSecrets` are the deployment's own (operator tokens, the
 * metrics token, app webhook secrets): censored wherever they appear, whatever they look like.
 */
export function createLineCensor(knownSecrets: readonly string[] = []): LineCensor {
  const literals = knownSecrets
    .filter((secret) => secret.length >= 8)
    // Longest first, so a secret that contains another is censored whole.
    .sort((a, b) => b.length - a.length)
    .map((secret) => `()${escapeRegExp(JSON.stringify(secret).slice(1, -1))}`);
  const pattern = new RegExp([...literals, ...PATTERNS].map((p) => `(?:${p})`).join('|'), 'g');
  const groups = literals.length + PATTERNS.length;
  return (line) =>
    line.replace(pattern, (...match: unknown[]) => {
      // The one prefix group that took part in the match (the others are undefined).
      for (let group = 1; group <= groups; group++) {
        const prefix = match[group];
        if (typeof prefix === 'string') return `${prefix}${CENSORED}`;
      }
      return CENSORED;
    });
}
