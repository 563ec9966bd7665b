import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { bullets, code, sentenceList, table } from './markdown.js';

type Auth = ProviderManifest['auth'];

const ROTATION: Record<Auth['tokenResponse']['refreshTokenRotation'], string> = {
  rotating:
    'every refresh returns a new refresh token and invalidates the old one: a refresh whose answer was lost (a timeout after the provider answered) leaves the stored token dead, and the connection needs a new authorization',
  may_rotate: 'a refresh may return a new refresh token (stored at once); without one the old one is kept',
  static: 'the refresh token never changes',
};

function endpoints(auth: Auth): string[] {
  return [
    auth.authorizationUrl && `authorization: ${code(auth.authorizationUrl)}`,
    auth.tokenUrl &&
      `token: ${code(auth.tokenUrl)} (client authentication ${code(auth.clientAuth)}, ${auth.tokenRequestEncoding} body)`,
    auth.oidcIssuer && `OIDC issuer: ${code(auth.oidcIssuer)}`,
    auth.oidcDiscoveryUrl && `OIDC discovery: ${code(auth.oidcDiscoveryUrl)}`,
    auth.revocation.kind !== 'none' &&
      `revocation: ${code(auth.revocation.url)} (${code(auth.revocation.kind)})`,
  ].filter((line): line is string => typeof line === 'string');
}

function refreshFacts(auth: Auth): string[] {
  const response = auth.tokenResponse;
  if (auth.mode === 'api_key' || auth.mode === 'basic')
    return [
      'Nothing is refreshed: the credentials are long-lived; a 401 means they were revoked or replaced at the provider.',
    ];
  if (auth.mode === 'oauth2_cc')
    return [
      `Client credentials: a new token is requested from ${code(auth.tokenUrl ?? '(no token URL)')} with the integration's client id and secret; no user is involved.`,
    ];
  return [
    response.accessTokenExpires
      ? `Access tokens expire (${code(response.expiresInPath)} of the token response); the hub refreshes them before they do.`
      : 'Access tokens do not expire, so nothing is refreshed on a timer; a 401 means the grant is gone (see REAUTH_REQUIRED).',
    `Refresh tokens: ${ROTATION[response.refreshTokenRotation]}.`,
    ...(response.refreshTokenExpiresInPath
      ? [
          `Refresh tokens expire too: the provider says when in ${code(response.refreshTokenExpiresInPath)}; a connection left unused past that needs a new authorization.`,
        ]
      : []),
    ...(response.errorInBody
      ? [
          `The token endpoint may answer 200 with a failure inside: the error code is at ${code(response.errorInBody.errorPath)}${response.errorInBody.okPath ? ` (and ${code(response.errorInBody.okPath)} is not true)` : ''}.`,
        ]
      : []),
  ];
}

export function authFailures(manifest: ProviderManifest): string {
  const { auth } = manifest;
  const alternatives = auth.alternatives.map(
    (alternative) =>
      `${code(alternative.mode)}${alternative.notes.length ? `: ${alternative.notes.join(' ')}` : ''}`,
  );
  return [
    `Auth mode: ${code(auth.mode)}${alternatives.length ? `; also accepted: ${alternatives.join('; ')}` : ''}.`,
    '',
    bullets([
      ...endpoints(auth),
      ...(auth.apiKey
        ? [
            `API key in ${auth.apiKey.in} ${code(auth.apiKey.name)}${auth.apiKey.prefix ? ` with prefix ${code(auth.apiKey.prefix)}` : ''}`,
          ]
        : []),
    ]),
    '',
    bullets(refreshFacts(auth)),
    '',
    'What to check:',
    bullets([
      `A refresh that fails with ${code('invalid_client')} is configuration: the integration's client id or secret. Set them again with ${code(`configureIntegration(input: { provider: "${manifest.id}", clientId: "...", clientSecret: "..." })`)} (global, or with ${code('tenantId')} for a tenant's own app).`,
      `${code('transient')} and ${code('rate_limited')} failures are retried with backoff; many at once mean the token endpoint is down or throttling (see Rate limits).`,
      `${code(`refreshConnection(id: "...")`)} retries one connection now and shows the provider's answer.`,
    ]),
    ...(auth.notes.length ? ['', 'From the manifest:', bullets(auth.notes)] : []),
    ...(auth.docsUrl ? ['', `Provider documentation: ${auth.docsUrl}`] : []),
  ].join('\n');
}

export function reauthRequired(manifest: ProviderManifest): string {
  const response = manifest.auth.tokenResponse;
  const causes = [
    'the user or an admin revoked the app at the provider',
    ...(response.refreshTokenExpiresInPath ? ['the refresh token expired'] : []),
    ...(response.refreshTokenRotation === 'rotating' ? ['a rotated refresh token was lost (see above)'] : []),
  ];
  return [
    `A refresh answered ${code('invalid_grant')} (${sentenceList(causes)}): the connection is ${code('REAUTH_REQUIRED')} and calls with it fail with ${code('PROVIDER_AUTH_ERROR')} (409, reason ${code('REAUTH_REQUIRED')}). Retrying cannot help; only the connection's user can fix it.`,
    '',
    bullets([
      `Find them: ${code(`connections(provider: "${manifest.id}", status: REAUTH_REQUIRED)`)} (${code('failureReason')} says why).`,
      `Ask the user to connect again: ${code(`startConnection(input: { provider: "${manifest.id}" })`)}; the new connection takes over the account's webhooks.`,
      `Its syncs are paused (${code('SyncPaused')}, reason ${code('reauth_required')}) until then.`,
    ]),
  ].join('\n');
}

export function scopes(manifest: ProviderManifest): string {
  const policy = manifest.scopePolicy;
  if (manifest.scopes.length === 0)
    return `${manifest.displayName} declares no scopes: access is whatever the user grants on the provider's own consent page, and Switchboard cannot check it.`;
  const internal = Object.entries(policy.internal);
  const overBroad = Object.entries(policy.overBroad);
  return [
    `Granted scopes are on the connection (${code('Connection.scopes')}, read from the token response's ${code(manifest.auth.tokenResponse.scopePath)}). Drift is a connection granted less than its integration asks for (the user unticked a scope, an admin policy removed one): actions then fail with ${code('MISSING_SCOPES')} and syncs are parked with class ${code('auth')}. Reconnect with the scopes the resource needs.`,
    '',
    table(
      ['scope', 'what it grants'],
      manifest.scopes.map((scope) => [
        code(scope.id),
        scope.description + (scope.param !== 'scope' ? ` (asked in ${code(scope.param)})` : ''),
      ]),
    ),
    ...(internal.length
      ? [
          '',
          'Switchboard scopes and the provider scopes that grant them:',
          '',
          table(
            ['internal', 'provider scopes'],
            internal.map(([name, granted]) => [code(name), granted.map(code).join(', ')]),
          ),
        ]
      : []),
    ...(policy.alwaysRequest.length
      ? ['', `Always requested: ${policy.alwaysRequest.map(code).join(', ')}.`]
      : []),
    '',
    overBroad.length
      ? [
          `Over-broad scopes: ${code('configureIntegration')} and connections refuse them with ${code('BAD_USER_INPUT')}:`,
          '',
          table(
            ['scope', 'why', 'ask for instead'],
            overBroad.map(([scope, rule]) => [
              code(scope),
              rule.reason,
              rule.suggest.length ? rule.suggest.map(code).join(', ') : '(none)',
            ]),
          ),
        ].join('\n')
      : 'The manifest marks no scope as over-broad.',
  ].join('\n');
}

export function revocation(manifest: ProviderManifest): string {
  const declared = manifest.auth.revocation;
  const how: Record<typeof declared.kind, string> = {
    rfc7009: 'RFC 7009 revocation',
    github_grant: "GitHub's grant deletion (every token of the grant)",
    slack_auth_revoke: "Slack's auth.revoke, authenticated by the token itself",
    bearer_request: 'a call authenticated by the access token itself',
    none: 'none',
  };
  const lines =
    declared.kind === 'none'
      ? [
          `${manifest.displayName} offers no per-grant revocation: ${declared.reason} ${code('revokeConnection')} destroys the hub's credentials and reports ${code('UNSUPPORTED')}; the user removes the app at the provider.`,
        ]
      : [
          `${code(`revokeConnection(id: "...")`)} calls ${how[declared.kind]} at ${code(declared.url)}${declared.kind === 'rfc7009' ? ` (sends the ${declared.token.replace('_', ' ')}, ${declared.bodyEncoding} body, client authentication ${code(declared.clientAuth)})` : ''}, then destroys the credentials; it is idempotent.`,
          `A ${code('FAILED')} revocation leaves the grant alive at the provider: the credentials are destroyed anyway, so ask the user to remove the app there.`,
        ];
  return [
    ...lines,
    ...(declared.notes.length ? ['', bullets(declared.notes)] : []),
    ...(declared.docsUrl ? ['', `Provider documentation: ${declared.docsUrl}`] : []),
  ].join('\n');
}
