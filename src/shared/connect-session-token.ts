/**
 * Connect session tokens (the `/connect/<token>` links end users open) start with this, so the API
 * authenticator can refuse one presented as a bearer token by its shape, and the log censor can
 * find one wherever it appears.
 */
export const CONNECT_SESSION_TOKEN_PREFIX = 'sbcs_';

export const looksLikeConnectSessionToken = (token: string): boolean =>
  token.startsWith(CONNECT_SESSION_TOKEN_PREFIX);
