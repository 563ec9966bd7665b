import type { Revocation } from '../../connectors/sdk/schema/revocation.js';
import { endpointUrl } from '../endpoints.js';
import { OAuthConfigurationError } from '../errors.js';
import { answerOf, errorFromAnswer } from '../transport/classify.js';
import { providerRequest } from '../transport/http.js';
import { confirmed, type RevocationCall, type RevocationResult } from './result.js';

type SlackAuthRevoke = Extract<Revocation, { kind: 'slack_auth_revoke' }>;

/**
 * Slack's auth.revoke, authenticated by the token it revokes; HTTP 200 either way, with
 * `{"ok": true, "revoked": true}` or `{"ok": false, "error": ...}`.
 * https://docs.slack.dev/reference/methods/auth.revoke
 * A bot token and the installing user's token are separate: revoke each with its own call.
 */
export async function revokeSlackToken(
  revocation: SlackAuthRevoke,
  call: RevocationCall,
): Promise<RevocationResult> {
  const { id, displayName } = call.context.manifest;
  const { accessToken } = call.token;
  if (!accessToken) throw new OAuthConfigurationError('auth.revoke needs the access token', { provider: id });
  const url = endpointUrl(revocation.url, call.values, { provider: id, field: 'auth.revocation.url' });
  const response = await providerRequest(call.context, url, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Bearer ${accessToken}`,
    },
    body: '',
  });
  const answer = answerOf(response);
  const body = parse(response.body);
  if (response.status === 200 && body?.['ok'] === true && body['revoked'] === true) {
    return confirmed(`${displayName} revoked the token`);
  }
  // The token is already dead (app removed, user or workspace deleted): nothing is left to revoke.
  if (response.status === 200 && answer.error === 'token_revoked') {
    return confirmed(`${displayName} reports the token was already revoked`);
  }
  throw errorFromAnswer(call.context, { ...answer, error: answer.error ?? 'not_ok' });
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
