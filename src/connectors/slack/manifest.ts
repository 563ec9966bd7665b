import { defineManifest } from '../sdk/manifest.js';

/**
 * Slack (OAuth v2, Events API). Sources:
 * - Install flow and scopes: https://docs.slack.dev/authentication/installing-with-oauth
 * - Token exchange and its response shape: https://docs.slack.dev/reference/methods/oauth.v2.access
 * - Revocation: https://docs.slack.dev/reference/methods/auth.revoke
 * - Request signing: https://docs.slack.dev/authentication/verifying-requests-from-slack
 * - Pagination: https://docs.slack.dev/apis/web-api/pagination
 */
export const slackManifest = defineManifest({
  id: 'slack',
  displayName: 'Slack',
  categories: ['communication'],
  // Declared in actions.ts (the registry test checks the two agree).
  capabilities: { actions: true },
  docsUrl: 'https://docs.slack.dev/authentication/installing-with-oauth',
  auth: {
    mode: 'oauth2',
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    // oauth.v2.access takes a code_verifier (see the method's arguments); Slack's PKCE support is
    // newer than most guides, which still omit it.
    pkce: true,
    // Bot scopes go in `scope`, user scopes in `user_scope`, both comma-separated.
    scopeSeparator: ',',
    // The method's docs ask for HTTP Basic rather than client_id/client_secret parameters.
    clientAuth: 'client_secret_basic',
    tokenResponse: {
      // Failures come back as HTTP 200 with {"ok": false, "error": "invalid_code"}.
      errorInBody: { okPath: 'ok', errorPath: 'error' },
      // Top level: the bot token (xoxb-). The installing user's token (xoxp-) is nested under
      // authed_user, and is the only token when only user scopes were asked for.
      accessTokenPath: 'access_token',
      nestedUserToken: {
        accessTokenPath: 'authed_user.access_token',
        refreshTokenPath: 'authed_user.refresh_token',
        expiresInPath: 'authed_user.expires_in',
        scopePath: 'authed_user.scope',
        userIdPath: 'authed_user.id',
      },
      // With token rotation turned on, tokens expire and each refresh returns a new refresh token;
      // without it there is no expires_in and tokens last until revoked.
      refreshTokenRotation: 'may_rotate',
      accountFields: {
        teamId: 'team.id',
        teamName: 'team.name',
        enterpriseId: 'enterprise.id',
        botUserId: 'bot_user_id',
        appId: 'app_id',
      },
    },
    revocation: {
      kind: 'slack_auth_revoke',
      // Authenticated by the token being revoked; answers {"ok": true, "revoked": true}.
      url: 'https://slack.com/api/auth.revoke',
      docsUrl: 'https://docs.slack.dev/reference/methods/auth.revoke',
    },
  },
  scopes: [
    { id: 'app_mentions:read', description: 'View messages that directly mention the app.' },
    { id: 'channels:history', description: 'View messages in public channels the app is in.' },
    { id: 'channels:read', description: 'View basic information about public channels.' },
    { id: 'groups:history', description: 'View messages in private channels the app is in.' },
    { id: 'groups:read', description: 'View basic information about private channels the app is in.' },
    { id: 'im:history', description: 'View messages in direct messages the app is in.' },
    { id: 'mpim:history', description: 'View messages in group direct messages the app is in.' },
    { id: 'chat:write', description: 'Post messages as the app.' },
    { id: 'reactions:read', description: 'View emoji reactions.' },
    { id: 'links:read', description: 'View URLs in messages (link_shared events).' },
    { id: 'users:read', description: 'View people in the workspace.' },
    { id: 'users:read.email', description: 'View email addresses of people in the workspace.' },
    { id: 'team:read', description: 'View the name, domain and icon of the workspace.' },
    { id: 'search:read', description: "Search the workspace's content as the user.", param: 'user_scope' },
    { id: 'admin', description: 'Administer the workspace (legacy user scope).', param: 'user_scope' },
  ],
  scopePolicy: {
    internal: {
      'messages.read': ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
      'messages.write': ['chat:write'],
      'channels.read': ['channels:read', 'groups:read'],
      'mentions.read': ['app_mentions:read'],
      'reactions.read': ['reactions:read'],
      'links.read': ['links:read'],
      'users.read': ['users:read'],
      'team.read': ['team:read'],
    },
    overBroad: {
      admin: {
        suggest: ['team:read', 'users:read'],
        reason: 'grants administration of the whole workspace on behalf of the installing user',
      },
    },
  },
  api: {
    baseUrl: 'https://slack.com/api',
    rateLimit: {
      // Slack sends no remaining-count headers; a 429 carries Retry-After in seconds.
      retryAfterHeader: 'Retry-After',
      // Slack counts per method, per app and workspace: one connection is one workspace install.
      budgets: [
        {
          per: 'connection',
          requests: 1,
          perSeconds: 60,
          paths: ['/conversations.history', '/conversations.replies'],
          notes: [
            'Since 2025-05-29, apps distributed outside the Slack Marketplace: 1 request a minute and at most 15 messages a page (existing installations from 2026-03-03). https://docs.slack.dev/reference/methods/conversations.history',
          ],
        },
        {
          per: 'connection',
          requests: 20,
          perSeconds: 60,
          paths: ['/conversations.list'],
          notes: ['Tier 2 (20+ per minute). https://docs.slack.dev/reference/methods/conversations.list'],
        },
      ],
      docsUrl: 'https://docs.slack.dev/apis/web-api/rate-limits',
    },
    pagination: {
      style: 'cursor',
      cursorParam: 'cursor',
      nextCursorPath: 'response_metadata.next_cursor',
      limitParam: 'limit',
    },
  },
  syncs: [
    {
      resource: 'channels',
      model: 'Channel',
      description: 'Public channels and the private channels the app is in, archived ones included.',
      defaultFrequency: '1h',
      // conversations.list has no "changed since": each run lists every channel.
      cursor: 'none',
      deletes: 'full_scan',
      volatileFields: ['memberCount'],
      scopes: ['channels.read'],
      webhookEvents: [
        'channel_created',
        'channel_rename',
        'channel_archive',
        'channel_unarchive',
        'channel_deleted',
      ],
    },
    {
      resource: 'messages',
      model: 'Message',
      description:
        "Messages of the configured channels (default: every channel the app is in), without thread replies. Config: {channels: ['C0123456789']}.",
      defaultFrequency: '5m',
      // conversations.history's `oldest`: only messages after the newest one recorded per channel.
      cursor: 'updated_since',
      // Edits and deletions of older messages arrive as Events API signals, not through history.
      deletes: 'none',
      scopes: ['messages.read', 'channels.read'],
      webhookEvents: ['message'],
      notes: [
        'Record id: the channel id, a colon and the ts ("C012AB3CD:1512085950.000216"): a ts is unique only within its channel.',
        'At 1 request a minute and 15 messages a page, a backfill spans runs; each page checkpoints its channel and cursor.',
      ],
    },
  ],
  webhooks: {
    scheme: 'slack_v0',
    // v0=hex(HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}")).
    signature: {
      header: 'X-Slack-Signature',
      encoding: 'hex',
      prefix: 'v0=',
      signedPayload: 'v0:{timestamp}:{body}',
    },
    secret: { perConnection: true, appLevel: 'signing_secret' },
    // Requests older than five minutes are refused as possible replays.
    timestamp: { header: 'X-Slack-Request-Timestamp', unit: 'seconds', toleranceSeconds: 300 },
    // The Events API sends {"type": "url_verification", "challenge": ...} once; answer the challenge.
    handshake: 'slack_url_verification',
    deliveryId: { bodyPath: 'event_id' },
    // The Events API envelope repeats the app's (deprecated) verification token.
    secretFields: ['token'],
    eventType: { bodyPath: 'event.type' },
    routing: { paths: ['team_id', 'team.id'], idKind: 'team' },
    docsUrl: 'https://docs.slack.dev/authentication/verifying-requests-from-slack',
    notes: ['Retries carry X-Slack-Retry-Num and the same event_id.'],
  },
});
