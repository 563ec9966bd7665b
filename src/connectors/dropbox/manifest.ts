import { defineManifest } from '../sdk/manifest.js';

/**
 * Dropbox. Sources:
 * - OAuth guide (PKCE, scopes): https://developers.dropbox.com/oauth-guide
 * - Offline access (token_access_type=offline, short-lived access tokens):
 *   https://dropbox.tech/developers/using-oauth-2-0-with-offline-access
 * - Revocation: https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke
 * - Webhooks (GET challenge, X-Dropbox-Signature hex HMAC-SHA256 keyed by the app secret):
 *   https://www.dropbox.com/developers/reference/webhooks
 */
export const dropboxManifest = defineManifest({
  id: 'dropbox',
  displayName: 'Dropbox',
  categories: ['file-storage'],
  docsUrl: 'https://developers.dropbox.com/oauth-guide',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
    tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    pkce: true,
    scopeSeparator: ' ',
    clientAuth: 'client_secret_basic',
    // Access tokens are short-lived; without token_access_type=offline no refresh token is issued.
    authorizationParams: { token_access_type: 'offline' },
    tokenResponse: {
      // The refresh token is long-lived and is not replaced on refresh.
      refreshTokenRotation: 'static',
      accountFields: { accountId: 'account_id', teamId: 'team_id' },
    },
    revocation: {
      kind: 'bearer_request',
      // POST with the access token as Bearer and no body; revokes the token.
      url: 'https://api.dropboxapi.com/2/auth/token/revoke',
      method: 'POST',
      docsUrl: 'https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke',
    },
  },
  scopes: [
    { id: 'account_info.read', description: "View the user's account information." },
    { id: 'files.metadata.read', description: 'View information about files and folders.' },
    { id: 'files.metadata.write', description: 'View and edit information about files and folders.' },
    { id: 'files.content.read', description: 'View the content of files and folders.' },
    { id: 'files.content.write', description: 'Edit the content of files and folders.' },
    { id: 'files.permanent_delete', description: 'Permanently delete files and folders.' },
    { id: 'sharing.read', description: 'View sharing settings and collaborators.' },
    { id: 'sharing.write', description: 'View and manage sharing settings and collaborators.' },
  ],
  scopePolicy: {
    internal: {
      'account.read': ['account_info.read'],
      'files.read': ['files.metadata.read', 'files.content.read'],
      'files.write': ['files.content.write'],
      'shares.read': ['sharing.read'],
    },
    overBroad: {
      'files.permanent_delete': {
        suggest: ['files.content.write'],
        reason: 'deletes files beyond recovery; ordinary deletes are recoverable with files.content.write',
      },
    },
  },
  api: {
    baseUrl: 'https://api.dropboxapi.com/2',
    rateLimit: { retryAfterHeader: 'Retry-After' },
    // list_folder returns {cursor, has_more}; the next page is a POST to list_folder/continue with
    // the cursor in the JSON body.
    pagination: {
      style: 'cursor',
      cursorParam: 'cursor',
      nextCursorPath: 'cursor',
      hasMorePath: 'has_more',
      in: 'body',
    },
  },
  webhooks: {
    scheme: 'hmac_sha256',
    signature: { header: 'X-Dropbox-Signature', encoding: 'hex' },
    secret: { perConnection: false, appLevel: 'client_secret' },
    // Verification is a GET with ?challenge=...; echo it back.
    handshake: 'dropbox_challenge',
    // A notification lists the accounts whose files changed, nothing more: sync fetches the changes.
    routing: { paths: ['list_folder.accounts'], idKind: 'account' },
    docsUrl: 'https://www.dropbox.com/developers/reference/webhooks',
  },
});
