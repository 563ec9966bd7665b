import type { OAuthFailure } from './errors.js';

/**
 * Provider error codes → what the caller should do. RFC 6749 §4.1.2.1 / §5.2 codes first, then the
 * providers that invent their own words for the same failures. A code not listed here is
 * `unexpected` (unless the HTTP status says more: see classify.ts).
 */
const TABLE = new Map<string, OAuthFailure>(
  Object.entries({
    // RFC 6749 §5.2 (token endpoint)
    invalid_grant: 'invalid_grant',
    invalid_client: 'invalid_client',
    unauthorized_client: 'invalid_client',
    unsupported_grant_type: 'invalid_client',
    invalid_scope: 'invalid_client',
    invalid_request: 'invalid_client',
    // RFC 6749 §4.1.2.1 (authorization response)
    access_denied: 'access_denied',
    unsupported_response_type: 'invalid_client',
    server_error: 'transient',
    temporarily_unavailable: 'transient',
    // OpenID Connect Core §3.1.2.6: the provider could not ask the user; they must come back.
    consent_required: 'access_denied',
    interaction_required: 'access_denied',
    login_required: 'access_denied',
    // RFC 8628 §3.5 word for "too fast", used by some token endpoints outside the device flow.
    slow_down: 'rate_limited',
    // GitHub: https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
    bad_verification_code: 'invalid_grant',
    bad_refresh_token: 'invalid_grant',
    incorrect_client_credentials: 'invalid_client',
    redirect_uri_mismatch: 'invalid_client',
    unverified_user_email: 'access_denied',
    // Slack oauth.v2.access and auth.revoke errors: https://docs.slack.dev/reference/methods/oauth.v2.access
    invalid_code: 'invalid_grant',
    code_already_used: 'invalid_grant',
    invalid_refresh_token: 'invalid_grant',
    token_revoked: 'invalid_grant',
    token_expired: 'invalid_grant',
    invalid_auth: 'invalid_grant',
    account_inactive: 'invalid_grant',
    invalid_client_id: 'invalid_client',
    bad_client_secret: 'invalid_client',
    bad_redirect_uri: 'invalid_client',
    invalid_grant_type: 'invalid_client',
    oauth_authorization_url_mismatch: 'invalid_client',
    ratelimited: 'rate_limited',
    internal_error: 'transient',
    fatal_error: 'transient',
    service_unavailable: 'transient',
    request_timeout: 'transient',
  } satisfies Record<string, OAuthFailure>),
);

export function classifyErrorCode(code: string | undefined): OAuthFailure | undefined {
  return code === undefined ? undefined : TABLE.get(code);
}

/** Error codes are safe to show; anything that does not look like one is not repeated. */
export function safeErrorCode(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,80}$/.test(value) ? value : undefined;
}
