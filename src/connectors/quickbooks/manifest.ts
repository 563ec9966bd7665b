import { defineManifest } from '../sdk/manifest.js';

/**
 * QuickBooks Online (Intuit). Sources:
 * - OAuth 2.0 and the realmId on the callback: https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 * - Endpoints, including revocation, from the discovery document:
 *   https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-openid-discovery-doc
 * - Webhooks (intuit-signature, base64 HMAC-SHA256 keyed by the verifier token):
 *   https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
 */
export const quickbooksManifest = defineManifest({
  id: 'quickbooks',
  displayName: 'QuickBooks Online',
  categories: ['accounting'],
  // Declared in actions.ts (the registry test checks the two agree).
  capabilities: { actions: true },
  docsUrl:
    'https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
    tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    oidcIssuer: 'https://oauth.platform.intuit.com/op/v1',
    // Intuit's discovery document is not at {issuer}/.well-known/openid-configuration.
    oidcDiscoveryUrl: 'https://developer.api.intuit.com/.well-known/openid_configuration',
    // Intuit documents no PKCE parameters.
    pkce: false,
    scopeSeparator: ' ',
    clientAuth: 'client_secret_basic',
    // The company the user picked comes back as ?realmId= on the callback, not in the token
    // response; every API URL needs it.
    callbackParams: ['realmId'],
    // The realmId comes through the user's browser: only the company info of that realm answering
    // 200 to the new access token proves the grant is for it.
    accountVerification: {
      path: '/companyinfo/{realmId}',
      docsUrl: 'https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo',
    },
    tokenResponse: {
      // Access tokens last one hour; the refresh token's own lifetime comes in a non-standard field.
      refreshTokenExpiresInPath: 'x_refresh_token_expires_in',
      // A refresh may return a different refresh token; always keep the latest one.
      refreshTokenRotation: 'may_rotate',
    },
    revocation: {
      kind: 'rfc7009',
      url: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
      clientAuth: 'client_secret_basic',
      bodyEncoding: 'json',
      token: 'refresh_token',
      docsUrl:
        'https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-openid-discovery-doc',
    },
  },
  scopes: [
    {
      id: 'com.intuit.quickbooks.accounting',
      description: 'Read and write QuickBooks Online accounting data.',
    },
    { id: 'com.intuit.quickbooks.payment', description: 'Process payments through QuickBooks Payments.' },
    { id: 'openid', description: 'Sign the user in (OpenID Connect).' },
    { id: 'email', description: "See the user's email address." },
    { id: 'profile', description: "See the user's name." },
  ],
  scopePolicy: {
    // The accounting scope is the only way to read the books; Intuit has no read-only variant.
    internal: {
      'accounting.read': ['com.intuit.quickbooks.accounting'],
      'accounting.write': ['com.intuit.quickbooks.accounting'],
      'payments.write': ['com.intuit.quickbooks.payment'],
    },
  },
  api: {
    baseUrl: 'https://quickbooks.api.intuit.com/v3/company/{realmId}',
    headers: { Accept: 'application/json' },
    rateLimit: { retryAfterHeader: 'Retry-After' },
    // Pages are part of the query language: SELECT ... STARTPOSITION 1 MAXRESULTS 100.
    pagination: { style: 'offset', offsetParam: 'STARTPOSITION', limitParam: 'MAXRESULTS', firstOffset: 1 },
    notes: ['Sandbox companies use https://sandbox-quickbooks.api.intuit.com instead.'],
  },
  webhooks: {
    scheme: 'hmac_sha256',
    signature: { header: 'intuit-signature', encoding: 'base64' },
    secret: { perConnection: false, appLevel: 'verification_token' },
    routing: { paths: ['eventNotifications[].realmId'], idKind: 'realm' },
    docsUrl: 'https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks',
  },
});
