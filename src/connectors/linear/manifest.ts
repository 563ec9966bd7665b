import { defineManifest } from '../sdk/manifest.js';

/**
 * Linear. Sources:
 * - OAuth 2.0 (comma-separated scopes, PKCE, refresh tokens for every app since 2026-04-01):
 *   https://linear.app/developers/oauth-2-0-authentication
 * - Webhooks (Linear-Signature hex HMAC-SHA256, webhookTimestamp, Linear-Delivery, Linear-Event):
 *   https://linear.app/developers/webhooks
 * - Rate limits: https://linear.app/developers/rate-limiting
 */
export const linearManifest = defineManifest({
  id: 'linear',
  displayName: 'Linear',
  categories: ['ticketing', 'project-management'],
  docsUrl: 'https://linear.app/developers/oauth-2-0-authentication',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://linear.app/oauth/authorize',
    tokenUrl: 'https://api.linear.app/oauth/token',
    pkce: true,
    scopeSeparator: ',',
    clientAuth: 'client_secret_post',
    tokenResponse: { refreshTokenRotation: 'may_rotate' },
    revocation: {
      kind: 'bearer_request',
      // Authenticated by the access token being revoked.
      url: 'https://api.linear.app/oauth/revoke',
      method: 'POST',
      docsUrl: 'https://linear.app/developers/oauth-2-0-authentication',
    },
  },
  scopes: [
    { id: 'read', description: "Read access to the user's workspace; always granted." },
    { id: 'write', description: 'Write access to everything the user can change.' },
    { id: 'issues:create', description: 'Create issues and their attachments.' },
    { id: 'comments:create', description: 'Create issue comments.' },
    { id: 'timeSchedule:write', description: 'Create and modify time schedules.' },
    { id: 'admin', description: 'Full access to admin-level endpoints.' },
  ],
  scopePolicy: {
    internal: {
      'issues.read': ['read'],
      'issues.create': ['issues:create'],
      'comments.create': ['comments:create'],
    },
    overBroad: {
      // Linear itself says to prefer the targeted scopes and never ask for admin unless needed.
      write: {
        suggest: ['issues:create', 'comments:create'],
        reason: 'grants write access to everything the user can change',
      },
      admin: { suggest: ['read'], reason: 'grants workspace administration' },
    },
    alwaysRequest: ['read'],
  },
  api: {
    baseUrl: 'https://api.linear.app/graphql',
    rateLimit: {
      limitHeader: 'X-RateLimit-Requests-Limit',
      remainingHeader: 'X-RateLimit-Requests-Remaining',
      resetHeader: 'X-RateLimit-Requests-Reset',
      resetUnit: 'epoch_milliseconds',
      docsUrl: 'https://linear.app/developers/rate-limiting',
    },
    pagination: { style: 'graphql_relay', pageInfoPath: 'pageInfo' },
  },
  webhooks: {
    scheme: 'hmac_sha256',
    signature: { header: 'Linear-Signature', encoding: 'hex' },
    secret: { perConnection: true, appLevel: 'signing_secret' },
    // The signed body carries webhookTimestamp (ms); Linear asks to refuse anything older than a minute.
    timestamp: { bodyPath: 'webhookTimestamp', unit: 'milliseconds', toleranceSeconds: 60 },
    // Outside the signed body. A retry may carry a new webhookTimestamp (when it was sent), so a
    // different body: ingress identifies it by its body without that field (delivery-key.ts).
    deliveryId: { header: 'Linear-Delivery', signed: false },
    eventType: { header: 'Linear-Event' },
    routing: { paths: ['organizationId'], idKind: 'organization' },
    docsUrl: 'https://linear.app/developers/webhooks',
  },
});
