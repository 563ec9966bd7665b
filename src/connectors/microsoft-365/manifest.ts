import { defineManifest } from '../sdk/manifest.js';

/**
 * Microsoft 365 through Microsoft Graph and the Microsoft identity platform (v2 endpoints).
 * - Authorization code flow: https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 * - Refresh tokens (replaced on use, old ones not revoked): https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens
 * - No per-grant revocation; revokeSignInSessions is per user: https://learn.microsoft.com/graph/api/user-revokesigninsessions
 * - Change notifications (validationToken, clientState): https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks
 * - Throttling (Retry-After): https://learn.microsoft.com/en-us/graph/throttling and the limits per
 *   service: https://learn.microsoft.com/en-us/graph/throttling-limits
 * - Delta queries (the syncs): https://learn.microsoft.com/graph/delta-query-overview
 */
export const microsoft365Manifest = defineManifest({
  id: 'microsoft-365',
  displayName: 'Microsoft 365',
  categories: ['email', 'calendar', 'file-storage', 'directory'],
  docsUrl: 'https://learn.microsoft.com/en-us/graph/overview',
  auth: {
    mode: 'oauth2',
    // "common" accepts work, school and personal accounts. The issuer differs per tenant
    // (https://login.microsoftonline.com/{tenantid}/v2.0), so no single OIDC issuer is declared.
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    pkce: true,
    scopeSeparator: ' ',
    clientAuth: 'client_secret_post',
    tokenResponse: {
      // A refresh returns a new refresh token; the old one stays valid until it expires.
      refreshTokenRotation: 'may_rotate',
    },
    revocation: {
      kind: 'none',
      reason:
        'The Microsoft identity platform has no RFC 7009 endpoint. revokeSignInSessions would sign the user out of every app and needs admin-level permission, so Switchboard only destroys its own tokens.',
      docsUrl: 'https://learn.microsoft.com/graph/api/user-revokesigninsessions',
    },
  },
  scopes: [
    { id: 'offline_access', description: 'Keep access when the user is not present (refresh tokens).' },
    { id: 'openid', description: 'Sign the user in.' },
    { id: 'User.Read', description: "Read the signed-in user's profile." },
    { id: 'User.ReadBasic.All', description: 'Read basic profiles of all users in the organization.' },
    { id: 'Mail.Read', description: "Read the user's mail." },
    { id: 'Mail.Send', description: 'Send mail as the user.' },
    { id: 'Mail.ReadWrite', description: "Read, update, create and delete the user's mail." },
    { id: 'Calendars.Read', description: "Read the user's calendars." },
    { id: 'Calendars.ReadWrite', description: "Read and write the user's calendars." },
    { id: 'Files.Read', description: "Read the user's files." },
    { id: 'Files.ReadWrite.All', description: 'Read and write every file the user can access.' },
    { id: 'Directory.ReadWrite.All', description: 'Read and write all directory data (admin consent).' },
  ],
  scopePolicy: {
    internal: {
      'user.read': ['User.Read'],
      'directory.users.read': ['User.ReadBasic.All'],
      'messages.read': ['Mail.Read'],
      'messages.send': ['Mail.Send'],
      'calendar.read': ['Calendars.Read'],
      'calendar.write': ['Calendars.ReadWrite'],
      'files.read': ['Files.Read'],
    },
    overBroad: {
      'Mail.ReadWrite': {
        suggest: ['Mail.Read', 'Mail.Send'],
        reason: 'grants deleting and rewriting the whole mailbox',
      },
      'Files.ReadWrite.All': {
        suggest: ['Files.Read'],
        reason: 'grants writing every file the user can reach, shared ones included',
      },
      'Directory.ReadWrite.All': {
        suggest: ['User.ReadBasic.All'],
        reason: 'grants writing the whole directory of the organization',
      },
    },
    alwaysRequest: ['offline_access'],
  },
  api: {
    baseUrl: 'https://graph.microsoft.com/v1.0',
    rateLimit: {
      retryAfterHeader: 'Retry-After',
      budgets: [
        {
          per: 'app',
          requests: 130_000,
          perSeconds: 10,
          notes: ['Global limit of every app, across all tenants.'],
        },
        {
          per: 'connection',
          requests: 3_500,
          perSeconds: 10,
          paths: ['/users'],
          notes: [
            'Identity and access: resource units per app and Entra tenant, 3,500 per 10 s for the smallest tenants (under 50 users); a delta request with $select costs 1. Connections of one Entra tenant share it at Microsoft.',
          ],
        },
        {
          per: 'connection',
          requests: 10_000,
          perSeconds: 600,
          paths: ['/me/'],
          notes: ['Outlook: 10,000 requests per 10 minutes per app and mailbox (also at most 4 concurrent).'],
        },
      ],
      docsUrl: 'https://learn.microsoft.com/en-us/graph/throttling-limits',
      notes: [
        'Graph answers 429 with Retry-After in seconds; limits differ per service and are subject to change.',
      ],
    },
    pagination: { style: 'next_url', nextUrlPath: '@odata.nextLink' },
  },
  syncs: [
    {
      resource: 'users',
      model: 'DirectoryUser',
      description:
        'Users of the Entra ID directory by delta query: every user, then what changed (added, updated, deleted) since the last deltaLink.',
      defaultFrequency: '1h',
      cursor: 'delta_link',
      deletes: 'reported',
      scopes: ['directory.users.read'],
      notes: [
        'https://learn.microsoft.com/graph/api/user-delta',
        'Delta links for directory objects expire after seven days; an expired one starts a full listing.',
        'Config `{ "properties": "extended" }` adds jobTitle, department and accountEnabled, which need User.Read.All (admin consent).',
      ],
    },
    {
      resource: 'events',
      model: 'CalendarEvent',
      description:
        "Events of the user's primary calendar in a window around today (calendarView delta): every event, then what changed since the last deltaLink.",
      defaultFrequency: '15m',
      cursor: 'delta_link',
      deletes: 'reported',
      scopes: ['calendar.read'],
      notes: [
        'https://learn.microsoft.com/graph/api/event-delta',
        'Config `{ "pastDays": 30, "futureDays": 180 }` sets the window (these are the defaults); a window half used up is listed anew around today.',
      ],
    },
  ],
  webhooks: {
    scheme: 'microsoft_graph',
    // Subscription creation POSTs ?validationToken=...; echo it as text/plain within 10 seconds.
    validationTokenParam: 'validationToken',
    // Each notification repeats the clientState chosen at subscription time; compare it.
    clientStatePath: 'value[].clientState',
    // ...which is this connection's webhook secret: never stored.
    secretFields: ['value[].clientState'],
    routing: { paths: ['value[].subscriptionId'], idKind: 'subscription' },
    eventType: { bodyPath: 'value[].changeType' },
    docsUrl: 'https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks',
    notes: [
      'Subscriptions expire within days and must be renewed; lifecycle notifications (reauthorizationRequired) arrive on the same URL.',
    ],
  },
});
