import { defineManifest } from '../sdk/manifest.js';

/**
 * Jira Cloud through Atlassian OAuth 2.0 (3LO). Sources:
 * - 3LO flow, audience/prompt, cloudId and accessible-resources:
 *   https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 * - Rotating refresh tokens (single use; 90-day inactivity and 365-day absolute expiry):
 *   https://community.developer.atlassian.com/t/refresh-token-expire-after-36000-seconds/60806/2
 * - Webhook secret and X-Hub-Signature:
 *   https://confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html and
 *   https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-webhooks/
 */
export const jiraManifest = defineManifest({
  id: 'jira',
  displayName: 'Jira',
  categories: ['ticketing', 'project-management'],
  // Declared in actions.ts (the registry test checks the two agree).
  capabilities: { actions: true },
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://auth.atlassian.com/authorize',
    tokenUrl: 'https://auth.atlassian.com/oauth/token',
    // The 3LO docs describe no code_challenge parameter; PKCE stays off until Atlassian documents it.
    pkce: false,
    scopeSeparator: ' ',
    clientAuth: 'client_secret_post',
    // audience is mandatory; prompt=consent makes the site picker appear again on reconnect.
    authorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    tokenResponse: {
      // Every refresh returns a new refresh token and invalidates the one used: store it first.
      refreshTokenRotation: 'rotating',
      notes: ['Refresh tokens expire after 90 days without use and 365 days after the first one was issued.'],
    },
    // The token is bound to no site: the sites it reaches, each with its cloudId (`id`) and URL,
    // come from accessible-resources. The site the user picked holds our Jira scopes; a Confluence
    // site authorized earlier by the same user may be listed too.
    accountDiscovery: {
      url: 'https://api.atlassian.com/oauth/token/accessible-resources',
      headers: { Accept: 'application/json' },
      accountsPath: '[]',
      scopesPath: 'scopes',
      fields: { cloudId: 'id', siteUrl: 'url', siteName: 'name' },
      idField: 'cloudId',
      nameField: 'siteName',
      docsUrl: 'https://developer.atlassian.com/cloud/oauth/getting-started/making-calls-to-api/',
      notes: [
        'Atlassian does not say which listed site the user picked on the consent screen; when several hold the granted scopes, the first is kept.',
      ],
    },
    revocation: {
      kind: 'none',
      reason:
        'Atlassian documents no endpoint that revokes a 3LO grant; the user removes the app from their Atlassian account (Connected apps).',
      docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/',
    },
  },
  scopes: [
    {
      id: 'read:jira-work',
      description: 'Read project and issue data, search issues, read attachments and worklogs.',
    },
    { id: 'write:jira-work', description: 'Create and edit issues, comments, worklogs and attachments.' },
    { id: 'read:jira-user', description: 'Read user information: usernames, email addresses, avatars.' },
    { id: 'manage:jira-webhook', description: 'Register and manage Jira webhooks.' },
    { id: 'manage:jira-project', description: 'Create and edit project settings and project-level objects.' },
    {
      id: 'manage:jira-configuration',
      description: 'Configure Jira settings that require administrator rights.',
    },
    { id: 'offline_access', description: 'Get a refresh token so access lasts beyond one hour.' },
  ],
  scopePolicy: {
    internal: {
      'issues.read': ['read:jira-work'],
      'issues.write': ['write:jira-work'],
      'users.read': ['read:jira-user'],
      'webhooks.manage': ['manage:jira-webhook'],
    },
    overBroad: {
      'manage:jira-configuration': {
        suggest: ['read:jira-work'],
        reason: 'grants Jira administration of the whole site',
      },
      'manage:jira-project': {
        suggest: ['read:jira-work', 'write:jira-work'],
        reason: 'grants editing of project configuration',
      },
    },
    // Without offline_access there is no refresh token and the connection dies after an hour.
    alwaysRequest: ['offline_access'],
  },
  api: {
    // 3LO tokens only work through the API gateway, never on https://<site>.atlassian.net.
    baseUrl: 'https://api.atlassian.com/ex/jira/{cloudId}',
    rateLimit: {
      limitHeader: 'X-RateLimit-Limit',
      remainingHeader: 'X-RateLimit-Remaining',
      resetHeader: 'X-RateLimit-Reset',
      resetUnit: 'iso8601',
      retryAfterHeader: 'Retry-After',
      budgets: [
        {
          per: 'connection',
          requests: 10,
          perSeconds: 1,
          notes: [
            'OAuth 2.0 (3LO) calls count against an "App + user" budget per site; Atlassian publishes no fixed number and uses 10 calls a second in its own example.',
          ],
        },
      ],
      docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/rate-limiting/',
      notes: [
        'Since March 2026, 3LO apps also draw on an hourly points quota per app and site (1 point a call plus 1 per object returned), which a request count cannot express: its 429s and Retry-After govern it.',
      ],
    },
    // The enhanced JQL search (/rest/api/3/search/jql), which the sync uses, pages with nextPageToken.
    pagination: {
      style: 'page_token',
      tokenParam: 'nextPageToken',
      nextTokenPath: 'nextPageToken',
      limitParam: 'maxResults',
    },
    notes: [
      'Older list endpoints (project search, comments, worklogs) page with startAt/maxResults instead.',
    ],
  },
  syncs: [
    {
      resource: 'issues',
      model: 'Ticket',
      description:
        'Issues of the site, or of the configured projects or JQL ({"projects": ["ENG"]}, {"jql": "…"}), oldest change first from the last updated time seen.',
      defaultFrequency: '5m',
      cursor: 'updated_since',
      // The search never lists a deleted issue: only absence from a full listing tells.
      deletes: 'full_scan',
      // GET /myself gives the time zone JQL dates are read in.
      scopes: ['issues.read', 'users.read'],
      webhookEvents: ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted'],
      notes: [
        'https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get',
        "JQL dates have minute precision in the searching user's time zone: each run reads the cursor's minute again, and the engine's hashes drop what did not change.",
        'Deletions are not reported (jira:issue_deleted only pulls the next run forward): a full sync or a drift check marks deleted issues.',
        "Ticket.url needs the site URL: the connection's siteUrl value (found by auth.accountDiscovery), or the origin of the issue's self link when calls go to the site itself; without either it is null.",
        'In the hour after a daylight-saving clock change the cursor minute can be ambiguous; Jira may read it an hour late.',
      ],
    },
  ],
  webhooks: {
    scheme: 'atlassian',
    // Webhooks registered with a secret: sha256=hex(HMAC-SHA256(secret, raw body)).
    signature: { header: 'X-Hub-Signature', encoding: 'hex', prefix: 'sha256=' },
    secret: { perConnection: true },
    // Webhooks an OAuth app registers through /rest/api/3/webhook carry a JWT signed with the
    // client secret in Authorization instead.
    dynamicWebhookJwt: { header: 'Authorization', algorithm: 'HS256' },
    // Neither X-Hub-Signature (the body) nor the JWT's qsh (method, path, query) covers it.
    deliveryId: { header: 'X-Atlassian-Webhook-Identifier', signed: false },
    eventType: { bodyPath: 'webhookEvent' },
    docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/webhooks/',
    notes: [
      'Deliveries name the site only through URLs (issue.self), so they arrive on the per-connection route.',
    ],
  },
});
