import { defineManifest } from '../sdk/manifest.js';

/**
 * GitHub as an OAuth App. Sources:
 * - OAuth web flow: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * - PKCE (S256 only, optional): https://github.blog/changelog/2025-07-14-pkce-support-for-oauth-and-github-app-authentication
 * - Grant deletion: https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization
 * - Webhook signatures: https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export const githubManifest = defineManifest({
  id: 'github',
  displayName: 'GitHub',
  categories: ['developer-tools', 'ticketing'],
  // Declared in actions.ts (the registry test checks the two agree).
  capabilities: { actions: true },
  docsUrl: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    pkce: true,
    scopeSeparator: ' ',
    // The docs pass client_id and client_secret as parameters of the token request.
    clientAuth: 'client_secret_post',
    // Without this header the token endpoint answers access_token=...&token_type=bearer (a form).
    tokenRequestHeaders: { Accept: 'application/json' },
    tokenResponse: {
      format: 'form_or_json',
      // A bad code still gets 200, with {"error": "bad_verification_code", ...} in the body.
      errorInBody: { errorPath: 'error' },
      // The granted scopes come back comma-separated ("repo,user") though requests use spaces.
      grantedScopeSeparator: ',',
      // OAuth App tokens do not expire; only GitHub App user tokens with expiration turned on do.
      accessTokenExpires: false,
      refreshTokenExpiresInPath: 'refresh_token_expires_in',
    },
    revocation: {
      kind: 'github_grant',
      // DELETE with Basic client_id:client_secret and {"access_token": ...}: removes every token of
      // the grant and the app from the user's authorized applications.
      url: 'https://api.github.com/applications/{clientId}/grant',
      docsUrl: 'https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization',
    },
    alternatives: [
      {
        mode: 'api_key',
        apiKey: { in: 'header', name: 'Authorization', prefix: 'Bearer ' },
        testRequest: { method: 'GET', path: '/user', expectedStatus: 200 },
        docsUrl: 'https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api',
        notes: ['A fine-grained personal access token, verified by reading the token owner.'],
      },
      {
        mode: 'app_jwt',
        docsUrl:
          'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/about-authentication-with-a-github-app',
        notes: [
          'A GitHub App: fine-grained repository permissions instead of OAuth scopes; the way to reach private repositories without "repo".',
        ],
      },
    ],
  },
  scopes: [
    {
      id: 'repo',
      description: 'Full read and write access to public and private repositories, code included.',
    },
    {
      id: 'public_repo',
      description: 'Read and write access to public repositories (issues, pull requests, code).',
    },
    { id: 'repo:status', description: 'Read and write commit statuses.' },
    { id: 'read:user', description: "Read the user's profile." },
    { id: 'user:email', description: "Read the user's email addresses." },
    { id: 'user', description: "Read and write the user's profile." },
    { id: 'read:org', description: 'Read organization and team membership.' },
    { id: 'admin:org', description: 'Fully manage organizations, teams and memberships.' },
    { id: 'notifications', description: "Read the user's notifications." },
    { id: 'admin:repo_hook', description: 'Create, read, update and delete repository webhooks.' },
    { id: 'workflow', description: 'Update GitHub Actions workflow files.' },
    { id: 'delete_repo', description: 'Delete repositories.' },
  ],
  scopePolicy: {
    // OAuth Apps have no read-only repository scope: public_repo is the narrowest scope that covers
    // issues and pull requests, and public data needs no scope at all.
    internal: {
      'issues.read': ['public_repo'],
      'issues.write': ['public_repo'],
      'user.read': ['read:user'],
      'user.email': ['user:email'],
      'org.read': ['read:org'],
      'notifications.read': ['notifications'],
      'webhooks.manage': ['admin:repo_hook'],
    },
    overBroad: {
      repo: {
        suggest: ['public_repo'],
        reason:
          'grants read and write to every private repository of the user, code and settings included; use a GitHub App with fine-grained permissions for private repositories',
      },
      user: { suggest: ['read:user', 'user:email'], reason: 'grants write access to the profile' },
      'admin:org': { suggest: ['read:org'], reason: 'grants full administration of organizations' },
      delete_repo: { suggest: [], reason: 'deletes repositories; no integration needs it' },
    },
  },
  api: {
    baseUrl: 'https://api.github.com',
    headers: { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
    rateLimit: {
      limitHeader: 'x-ratelimit-limit',
      remainingHeader: 'x-ratelimit-remaining',
      resetHeader: 'x-ratelimit-reset',
      resetUnit: 'epoch_seconds',
      retryAfterHeader: 'retry-after',
      budgets: [
        {
          per: 'connection',
          requests: 5000,
          perSeconds: 3600,
          notes: [
            "A user token's primary limit; every app the user authorized draws on the same 5,000, so this is a ceiling, not a guarantee.",
          ],
        },
        {
          per: 'connection',
          requests: 900,
          perSeconds: 60,
          notes: [
            'Secondary limit: at most 900 points a minute for REST endpoints, a GET costing one point.',
          ],
        },
      ],
      docsUrl: 'https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api',
      notes: [
        'A 304 answer to a conditional request does not count against the primary limit.',
        'Secondary limits answer 403 or 429 with "secondary rate limit" in the message and, usually, retry-after.',
      ],
    },
    pagination: { style: 'link_header', limitParam: 'per_page' },
  },
  syncs: [
    {
      resource: 'issues',
      model: 'Ticket',
      description:
        'Issues of the configured repositories ({"repositories": ["owner/name"]}; by default every repository the user can see), without pull requests.',
      defaultFrequency: '5m',
      cursor: 'updated_since',
      primaryKey: 'id',
      // The issues list never reports a deletion (an admin's delete or a transfer): only a full listing shows it.
      deletes: 'full_scan',
      // None: updatedAt moves only when GitHub records a change (comments and labels included), and
      // each such change should refresh the stored raw JSON.
      volatileFields: [],
      scopes: ['issues.read'],
      webhookEvents: ['issues', 'issue_comment'],
      notes: [
        'Newest first by updated_at, stopping at the previous cursor; If-None-Match on page 1 makes an unchanged repository one 304.',
        'Record ids are issue.id, as webhooks carry it; private repositories need the repo scope or a GitHub App.',
      ],
    },
    {
      resource: 'pull-requests',
      model: 'Ticket',
      description:
        'Pull requests of the configured repositories ({"repositories": ["owner/name"]}; by default every repository the user can see).',
      defaultFrequency: '5m',
      cursor: 'updated_since',
      primaryKey: 'id',
      deletes: 'full_scan',
      volatileFields: [],
      scopes: ['issues.read'],
      webhookEvents: ['pull_request', 'pull_request_review'],
      notes: [
        'The pulls list has no since parameter: it is read newest first and stops at the previous cursor.',
        "Record ids are pull_request.id (not the id of the pull request's issue), as webhooks carry it; status is open, draft, closed or merged.",
      ],
    },
  ],
  webhooks: {
    scheme: 'github_hmac_sha256',
    signature: { header: 'X-Hub-Signature-256', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    // Repository webhooks carry the connection's own secret; a GitHub App signs with its webhook secret.
    secret: { perConnection: true, appLevel: 'signing_secret' },
    // The signature covers the body only: a replay under a fresh X-GitHub-Delivery is known by its body.
    deliveryId: { header: 'X-GitHub-Delivery', signed: false },
    eventType: { header: 'X-GitHub-Event' },
    routing: { paths: ['installation.id'], idKind: 'installation' },
    docsUrl: 'https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries',
  },
});
