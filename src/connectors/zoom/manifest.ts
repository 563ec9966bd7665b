import { defineManifest } from '../sdk/manifest.js';

/**
 * Zoom (user-managed OAuth app). Sources:
 * - OAuth (authorize, token, revoke with HTTP Basic): https://developers.zoom.us/docs/integrations/oauth/
 * - Webhooks (x-zm-signature over "v0:{timestamp}:{body}", endpoint.url_validation):
 *   https://developers.zoom.us/docs/api/webhooks
 * - Rate limits: https://developers.zoom.us/docs/api/rate-limits/
 */
export const zoomManifest = defineManifest({
  id: 'zoom',
  displayName: 'Zoom',
  categories: ['video-conferencing', 'communication'],
  docsUrl: 'https://developers.zoom.us/docs/integrations/oauth/',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://zoom.us/oauth/authorize',
    tokenUrl: 'https://zoom.us/oauth/token',
    pkce: true,
    scopeSeparator: ' ',
    clientAuth: 'client_secret_basic',
    tokenResponse: {
      // Access tokens last one hour; each refresh returns a new refresh token and voids the old one.
      refreshTokenRotation: 'rotating',
    },
    revocation: {
      kind: 'rfc7009',
      url: 'https://zoom.us/oauth/revoke',
      clientAuth: 'client_secret_basic',
      token: 'access_token',
      docsUrl: 'https://developers.zoom.us/docs/integrations/oauth/#revoking-an-access-token',
    },
  },
  scopes: [
    { id: 'user:read:user', description: "View the user's profile." },
    { id: 'meeting:read:meeting', description: 'View a meeting.' },
    { id: 'meeting:read:list_meetings', description: "List the user's meetings." },
    { id: 'meeting:write:meeting', description: 'Create a meeting for the user.' },
    { id: 'cloud_recording:read:list_user_recordings', description: "List the user's cloud recordings." },
    {
      id: 'meeting:read:list_meetings:admin',
      description: 'List the meetings of every user of the account.',
    },
  ],
  scopePolicy: {
    internal: {
      'user.read': ['user:read:user'],
      'meetings.read': ['meeting:read:list_meetings', 'meeting:read:meeting'],
      'meetings.write': ['meeting:write:meeting'],
      'recordings.read': ['cloud_recording:read:list_user_recordings'],
    },
    overBroad: {
      'meeting:read:list_meetings:admin': {
        suggest: ['meeting:read:list_meetings'],
        reason: 'admin scopes reach every user of the Zoom account, not just the one who connected',
      },
    },
  },
  api: {
    baseUrl: 'https://api.zoom.us/v2',
    rateLimit: {
      limitHeader: 'X-RateLimit-Limit',
      remainingHeader: 'X-RateLimit-Remaining',
      retryAfterHeader: 'Retry-After',
      docsUrl: 'https://developers.zoom.us/docs/api/rate-limits/',
    },
    pagination: {
      style: 'page_token',
      tokenParam: 'next_page_token',
      nextTokenPath: 'next_page_token',
      limitParam: 'page_size',
    },
  },
  webhooks: {
    scheme: 'hmac_sha256',
    signature: {
      header: 'x-zm-signature',
      encoding: 'hex',
      prefix: 'v0=',
      signedPayload: 'v0:{timestamp}:{body}',
    },
    // The app's Secret Token signs every event and the URL validation challenge.
    secret: { perConnection: false, appLevel: 'signing_secret' },
    timestamp: { header: 'x-zm-request-timestamp', unit: 'seconds', toleranceSeconds: 300 },
    // {"event": "endpoint.url_validation", "payload": {"plainToken"}} → {plainToken, encryptedToken: hex HMAC}.
    handshake: 'zoom_url_validation',
    eventType: { bodyPath: 'event' },
    routing: { paths: ['payload.account_id'], idKind: 'account' },
    docsUrl: 'https://developers.zoom.us/docs/api/webhooks',
  },
});
