import { defineManifest } from '../sdk/manifest.js';

/**
 * Notion (public connections). Sources:
 * - Authorization guide: https://developers.notion.com/guides/get-started/authorization
 * - Token endpoint, HTTP Basic client auth, JSON body: https://developers.notion.com/reference/create-a-token
 * - Refresh grant (new access and refresh token): https://developers.notion.com/reference/refresh-a-token
 * - Revocation: https://developers.notion.com/reference/revoke-token
 * - Webhooks (verification_token handshake, X-Notion-Signature): https://developers.notion.com/reference/v2-webhooks
 */
export const notionManifest = defineManifest({
  id: 'notion',
  displayName: 'Notion',
  categories: ['knowledge-base', 'productivity'],
  docsUrl: 'https://developers.notion.com/guides/get-started/authorization',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://api.notion.com/v1/oauth/authorize',
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    // Not documented for public connections.
    pkce: false,
    scopeSeparator: ' ',
    // Basic base64(client_id:client_secret), and the token request body is JSON.
    clientAuth: 'client_secret_basic',
    tokenRequestEncoding: 'json',
    authorizationParams: { owner: 'user' },
    tokenResponse: {
      // Access tokens carry no expires_in and do not expire on a timer; never refresh on a schedule.
      accessTokenExpires: false,
      // When Notion does refresh, it returns a new refresh token with the new access token.
      refreshTokenRotation: 'rotating',
      accountFields: {
        workspaceId: 'workspace_id',
        workspaceName: 'workspace_name',
        botId: 'bot_id',
        ownerUserId: 'owner.user.id',
      },
      notes: [
        'Pages and databases must be shared with the connection by the user before the API can see them.',
      ],
    },
    revocation: {
      kind: 'rfc7009',
      url: 'https://api.notion.com/v1/oauth/revoke',
      clientAuth: 'client_secret_basic',
      bodyEncoding: 'json',
      token: 'access_token',
      docsUrl: 'https://developers.notion.com/reference/revoke-token',
    },
    alternatives: [
      {
        mode: 'api_key',
        apiKey: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
        testRequest: { method: 'GET', path: '/users/me', expectedStatus: 200 },
        docsUrl: 'https://developers.notion.com/reference/authentication',
        notes: ['An internal connection secret, verified by reading the bot user.'],
      },
    ],
  },
  // Notion has no OAuth scopes: capabilities are chosen in the connection's settings.
  scopes: [],
  api: {
    baseUrl: 'https://api.notion.com/v1',
    headers: { 'Notion-Version': '2025-09-03' },
    rateLimit: {
      retryAfterHeader: 'Retry-After',
      docsUrl: 'https://developers.notion.com/reference/request-limits',
    },
    // GET endpoints take start_cursor in the query, search and queries take it in the JSON body.
    pagination: {
      style: 'cursor',
      cursorParam: 'start_cursor',
      nextCursorPath: 'next_cursor',
      hasMorePath: 'has_more',
      limitParam: 'page_size',
    },
  },
  webhooks: {
    scheme: 'hmac_sha256',
    signature: { header: 'X-Notion-Signature', encoding: 'hex', prefix: 'sha256=' },
    // Signed with the verification_token Notion POSTs once when the subscription is created.
    secret: { perConnection: false, appLevel: 'verification_token' },
    handshake: 'notion_verification_token',
    // The subscription's verification request carries the token that signs every later event.
    secretFields: ['verification_token'],
    deliveryId: { bodyPath: 'id' },
    eventType: { bodyPath: 'type' },
    routing: { paths: ['workspace_id'], idKind: 'workspace' },
    docsUrl: 'https://developers.notion.com/reference/v2-webhooks',
  },
});
