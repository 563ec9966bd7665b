import { defineManifest } from '../sdk/manifest.js';

/**
 * HubSpot. Sources:
 * - OAuth (latest date-versioned endpoints; v1 is deprecated on 2027-02-16):
 *   https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/migration-guide
 * - Token endpoint (takes code_verifier): https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/refresh-oauth-token
 * - Revocation: https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token
 * - Webhook signatures v3: https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 */
export const hubspotManifest = defineManifest({
  id: 'hubspot',
  displayName: 'HubSpot',
  categories: ['crm'],
  docsUrl: 'https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
    tokenUrl: 'https://api.hubapi.com/oauth/2026-03/token',
    pkce: true,
    scopeSeparator: ' ',
    // The token and revoke endpoints take client_id and client_secret in the form body, never the
    // query string (the reason v1 is being retired).
    clientAuth: 'client_secret_post',
    tokenResponse: {
      // Access tokens expire after 30 minutes; refresh with the same refresh token.
      refreshTokenRotation: 'may_rotate',
      accountFields: { hubId: 'hub_id' },
    },
    revocation: {
      kind: 'rfc7009',
      url: 'https://api.hubapi.com/oauth/2026-03/token/revoke',
      clientAuth: 'client_secret_post',
      token: 'refresh_token',
      docsUrl:
        'https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token',
      notes: ['Revoking the refresh token does not uninstall the app from the HubSpot account.'],
    },
    alternatives: [
      {
        mode: 'api_key',
        apiKey: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
        testRequest: { method: 'GET', path: '/crm/v3/objects/contacts?limit=1', expectedStatus: 200 },
        docsUrl: 'https://developers.hubspot.com/docs/apps/legacy-apps/private-apps/overview',
        notes: ['A private app access token.'],
      },
    ],
  },
  scopes: [
    { id: 'oauth', description: 'Required by every HubSpot app.' },
    { id: 'crm.objects.contacts.read', description: 'View contacts.' },
    { id: 'crm.objects.contacts.write', description: 'Create and edit contacts.' },
    { id: 'crm.objects.companies.read', description: 'View companies.' },
    { id: 'crm.objects.deals.read', description: 'View deals.' },
    { id: 'crm.objects.deals.write', description: 'Create and edit deals.' },
    { id: 'crm.export', description: 'Export every CRM record of the account.' },
  ],
  scopePolicy: {
    internal: {
      'contacts.read': ['crm.objects.contacts.read'],
      'contacts.write': ['crm.objects.contacts.write'],
      'companies.read': ['crm.objects.companies.read'],
      'deals.read': ['crm.objects.deals.read'],
      'deals.write': ['crm.objects.deals.write'],
    },
    overBroad: {
      'crm.export': {
        suggest: ['crm.objects.contacts.read', 'crm.objects.companies.read', 'crm.objects.deals.read'],
        reason: 'exports the whole CRM in bulk',
      },
    },
    alwaysRequest: ['oauth'],
  },
  api: {
    baseUrl: 'https://api.hubapi.com',
    rateLimit: {
      limitHeader: 'X-HubSpot-RateLimit-Max',
      remainingHeader: 'X-HubSpot-RateLimit-Remaining',
      retryAfterHeader: 'Retry-After',
      docsUrl: 'https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines',
    },
    pagination: {
      style: 'cursor',
      cursorParam: 'after',
      nextCursorPath: 'paging.next.after',
      limitParam: 'limit',
    },
  },
  webhooks: {
    scheme: 'hmac_sha256',
    // base64(HMAC-SHA256(client secret, method + URI + body + timestamp)), timestamp in ms, 5-minute window.
    signature: {
      header: 'X-HubSpot-Signature-v3',
      encoding: 'base64',
      signedPayload: '{method}{url}{body}{timestamp}',
    },
    secret: { perConnection: false, appLevel: 'client_secret' },
    timestamp: { header: 'X-HubSpot-Request-Timestamp', unit: 'milliseconds', toleranceSeconds: 300 },
    // The body is an array of events, each naming its account (portalId).
    deliveryId: { bodyPath: '[].eventId' },
    eventType: { bodyPath: '[].subscriptionType' },
    routing: { paths: ['[].portalId'], idKind: 'portal' },
    docsUrl:
      'https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation',
  },
});
