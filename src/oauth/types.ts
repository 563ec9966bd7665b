/**
 * The vocabulary of the OAuth layer. Everything here is plain data the caller may encrypt and
 * store; nothing keeps a provider's raw response (it may hold fields we did not mean to keep).
 */

/** An integration's OAuth app at the provider. The secret is absent for public clients. */
export interface OAuthClient {
  clientId: string;
  clientSecret?: string | undefined;
}

/** What every call accepts besides its own inputs. */
export interface OAuthCallOptions {
  /** Per HTTP request; default 10 s. A provider that hangs must not hold a request open. */
  timeoutMs?: number | undefined;
  /** Cancels the request (a shutting-down process, a caller that gave up). */
  signal?: AbortSignal | undefined;
  /** Values for `{placeholders}` in the manifest's URLs (`{clientId}` is always filled). */
  urlParams?: Readonly<Record<string, string>> | undefined;
}

/** The token of the installing user when a provider returns one beside the primary token (Slack). */
export interface NestedUserToken {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string[];
  userId: string | null;
}

/** Who the grant belongs to at the provider, as far as the token response (or callback) says. */
export interface ProviderAccount {
  id: string | null;
  /**
   * Where `id` came from. `callback`: a query parameter of the redirect, which the user's browser
   * carries and can change, so only an authenticated call can confirm it; `token_response`,
   * `id_token` (validated) and `account_discovery` (the manifest's call with the new token): the
   * provider said so to us directly.
   */
  idSource: 'callback' | 'token_response' | 'id_token' | 'account_discovery' | null;
  name: string | null;
  /** Every value of the manifest's `accountFields`, `callbackParams` and account discovery that was present. */
  fields: Record<string, string>;
}

/** A token response, normalized through the manifest's quirks. */
export interface TokenSet {
  accessToken: string;
  /** The new refresh token, or the one used for the refresh when the provider returned none. */
  refreshToken: string | null;
  /** Null when the provider gave no lifetime (non-expiring tokens, or unknown: refresh on a 401). */
  expiresAt: Date | null;
  /** When the refresh token itself expires, if the provider says (QuickBooks, GitHub Apps). */
  refreshTokenExpiresAt: Date | null;
  /** Granted scopes; the requested ones when the provider does not echo them (RFC 6749 §5.1). */
  scopes: string[];
  /** Lower case (`bearer`); Slack answers `bot` or `user`. */
  tokenType: string;
  account: ProviderAccount;
  userToken: NestedUserToken | null;
  raw?: never;
}
