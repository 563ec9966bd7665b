import { defineManifest } from '../sdk/manifest.js';

/**
 * Todoist (API v1). Sources:
 * - OAuth and scopes: https://developer.todoist.com/api/v1/#tag/Authorization/OAuth
 * - RFC 7009 revocation (POST /api/v1/revoke, HTTP Basic client auth):
 *   https://doist.github.io/todoist-api-typescript/api/type-aliases/RevokeTokenRequestArgs
 * - Webhooks (X-Todoist-Hmac-SHA256 base64 over the raw body keyed by client_secret, X-Todoist-Delivery-ID):
 *   https://developer.todoist.com/api/v1/#tag/Webhooks and
 *   https://doist.github.io/todoist-sdk-typescript/api/functions/verifyWebhookSignature
 */
export const todoistManifest = defineManifest({
  id: 'todoist',
  displayName: 'Todoist',
  categories: ['productivity', 'project-management'],
  // Declared in actions.ts (the registry test checks the two agree).
  capabilities: { actions: true },
  docsUrl: 'https://developer.todoist.com/api/v1/',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://todoist.com/oauth/authorize',
    tokenUrl: 'https://todoist.com/oauth/access_token',
    // The OAuth guide documents no code_challenge parameter.
    pkce: false,
    scopeSeparator: ',',
    clientAuth: 'client_secret_post',
    tokenResponse: {
      // Tokens last until revoked; there is no refresh token.
      accessTokenExpires: false,
      refreshTokenRotation: 'static',
    },
    revocation: {
      kind: 'rfc7009',
      url: 'https://api.todoist.com/api/v1/revoke',
      clientAuth: 'client_secret_basic',
      token: 'access_token',
      docsUrl: 'https://developer.todoist.com/api/v1/#tag/Authorization',
    },
  },
  scopes: [
    { id: 'task:add', description: 'Add new tasks; cannot read or change anything else.' },
    { id: 'data:read', description: 'Read tasks, projects, labels and filters.' },
    { id: 'data:read_write', description: 'Read and write tasks, projects, labels and filters.' },
    { id: 'data:delete', description: 'Full access including deleting tasks, labels and filters.' },
    { id: 'project:delete', description: 'Delete projects.' },
    { id: 'backups:read', description: "List the user's backups without multi-factor authentication." },
  ],
  scopePolicy: {
    internal: {
      'tasks.read': ['data:read'],
      'tasks.create': ['task:add'],
      'tasks.write': ['data:read_write'],
    },
    overBroad: {
      'data:delete': { suggest: ['data:read_write'], reason: 'grants deleting every task, label and filter' },
      'project:delete': { suggest: ['data:read_write'], reason: 'grants deleting whole projects' },
      'backups:read': {
        suggest: ['data:read'],
        reason: 'exposes full account backups without multi-factor authentication',
      },
    },
  },
  api: {
    baseUrl: 'https://api.todoist.com/api/v1',
    rateLimit: { retryAfterHeader: 'Retry-After' },
    // The v1 list endpoints (GET /api/v1/tasks ...); the Sync endpoint answers in one response.
    pagination: {
      style: 'cursor',
      cursorParam: 'cursor',
      nextCursorPath: 'next_cursor',
      limitParam: 'limit',
    },
  },
  syncs: [
    {
      resource: 'tasks',
      model: 'Ticket',
      description:
        'Tasks through the Sync endpoint: all active ones, then what changed (completed, deleted) since the last sync_token.',
      defaultFrequency: '15m',
      cursor: 'sync_token',
      deletes: 'reported',
      scopes: ['tasks.read'],
      webhookEvents: ['item:added', 'item:updated', 'item:deleted', 'item:completed', 'item:uncompleted'],
      notes: ['https://developer.todoist.com/api/v1/#tag/Sync'],
    },
  ],
  webhooks: {
    scheme: 'hmac_sha256',
    signature: { header: 'X-Todoist-Hmac-SHA256', encoding: 'base64' },
    // One webhook URL per app, signed with the app's client secret.
    secret: { perConnection: false, appLevel: 'client_secret' },
    // Reused when a failed delivery is retried; outside the signed body, so replays are known by the body.
    deliveryId: { header: 'X-Todoist-Delivery-ID', signed: false },
    eventType: { bodyPath: 'event_name' },
    routing: { paths: ['user_id'], idKind: 'user' },
    docsUrl: 'https://developer.todoist.com/api/v1/#tag/Webhooks',
  },
});
