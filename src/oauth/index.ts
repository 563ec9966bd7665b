/**
 * The OAuth protocol layer: stateless calls driven by a provider manifest. Callers (the connection
 * aggregate, the callback route, the refresher) keep state, store tokens and decide what to do with
 * each classified failure.
 */
export {
  type AuthorizationRequest,
  type AuthorizationRequestInput,
  buildAuthorizationRequest,
} from './authorization-request.js';
export { type AuthorizationCallback, readCallback } from './callback.js';
export {
  OAuthConfigurationError,
  type OAuthErrorDetail,
  type OAuthFailure,
  type OAuthOperation,
  OAuthProviderError,
  ProviderAccessDeniedError,
  ProviderInvalidClientError,
  ProviderInvalidGrantError,
  ProviderRateLimitedError,
  ProviderTransientError,
  ProviderUnexpectedResponseError,
} from './errors.js';
export {
  type ClientCredentialsInput,
  clientCredentials,
  type ExchangeCodeInput,
  exchangeCode,
  type RefreshInput,
  refresh,
} from './grants.js';
export { checkResponseIssuer, type IssuerVerdict } from './issuer.js';
export {
  type RevocationResult,
  type RevokeTokenInput,
  revokeToken,
  type TokensToRevoke,
} from './revocation/index.js';
export { forgetDiscoveredMetadata } from './server-metadata.js';
export { isRetryable, type RetryOptions, withRetry } from './transport/with-retry.js';
export type { NestedUserToken, OAuthCallOptions, OAuthClient, ProviderAccount, TokenSet } from './types.js';
