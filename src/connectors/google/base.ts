import type { ProviderManifestInput } from '../sdk/manifest.js';

/**
 * What every Google Workspace API shares: one authorization server, one token endpoint, one
 * revocation endpoint. Each Google product is its own provider (its own scopes, base URL and
 * webhooks) built on this. Source:
 * https://developers.google.com/identity/protocols/oauth2/web-server
 */
export const googleAuth: ProviderManifestInput['auth'] = {
  mode: 'oauth2',
  authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  oidcIssuer: 'https://accounts.google.com',
  pkce: true,
  scopeSeparator: ' ',
  clientAuth: 'client_secret_post',
  authorizationParams: {
    // Without access_type=offline there is no refresh token. Google only returns a refresh token
    // on the first consent, so prompt=consent makes a reconnect get one again.
    access_type: 'offline',
    prompt: 'consent',
    // Incremental authorization: earlier grants stay in the new token.
    include_granted_scopes: 'true',
  },
  tokenResponse: {
    // Refreshes return a new access token and, normally, no new refresh token: keep the old one.
    refreshTokenRotation: 'may_rotate',
    notes: ['Refresh tokens of apps in "testing" publishing status expire after 7 days.'],
  },
  revocation: {
    kind: 'rfc7009',
    // POST token=...; no client authentication. Revoking the refresh token revokes the grant.
    url: 'https://oauth2.googleapis.com/revoke',
    clientAuth: 'none',
    token: 'refresh_token',
    docsUrl: 'https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke',
  },
};

export const googleIdentityScopes: ProviderManifestInput['scopes'] = [
  { id: 'openid', description: 'Sign the user in (OpenID Connect).' },
  { id: 'email', description: "See the user's primary email address." },
];

/** Google APIs page with pageToken/nextPageToken and answer 429 or 403 rateLimitExceeded. */
export const googleApi = {
  rateLimit: {
    retryAfterHeader: 'Retry-After',
    notes: [
      'Google sends no remaining-quota headers; quota errors are 429 or 403 with reason rateLimitExceeded.',
    ],
  },
  pagination: {
    style: 'page_token',
    tokenParam: 'pageToken',
    nextTokenPath: 'nextPageToken',
    limitParam: 'maxResults',
  },
} satisfies Partial<ProviderManifestInput['api']>;
