/**
 * What is secret by its name, wherever it sits in a logged object. Measured here, pino's `redact`
 * cost about 9 µs a line with the ten wildcard paths it had, 30-80 µs with a wildcard per name
 * below (fast-redact walks the object once per wildcard) and 3 µs with ten exact paths, against
 * 1-2 µs for the line itself. So log-censor.ts censors these names in the serialized line instead,
 * at any depth, in the same scan that looks for credentials by their shape.
 */

/** Headers (as Node names them, lower case) and fields whose value is a secret wherever they are. */
export const SECRET_NAMES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-slack-signature',
  'x-api-key',
  'x-goog-channel-token',
  'password',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'apiKey',
  'api_key',
  'masterKey',
  'codeVerifier',
  'code_verifier',
  'sessionToken',
  'session_token',
  'connectToken',
  'connect_token',
  'clientState',
];

/** Names that are secrets only inside an OAuth callback's query or a token request's body. */
export const CALLBACK_SECRET_NAMES: readonly string[] = ['code', 'state'];

/** The objects those are secrets in: `{"query":{"code":…}}`, as a route or a provider client logs them. */
export const CALLBACK_PARENTS: readonly string[] = ['query', 'body', 'params'];
