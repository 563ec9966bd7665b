import type { z } from 'zod';
import { type FailureClass, ProviderCallError, type ProviderResponse } from '../sdk/provider-http.js';

/**
 * Slack's Web API answers most failures with HTTP 200 and `{"ok": false, "error": "<code>"}`, so the
 * provider client passes them through as successes; this turns them into the failure classes the
 * engine acts on. Error codes: https://docs.slack.dev/reference/methods (each method's "Errors").
 */
const CLASS_OF: Readonly<Record<string, FailureClass>> = {
  ratelimited: 'rate_limited',
  invalid_auth: 'auth',
  not_authed: 'auth',
  token_revoked: 'auth',
  token_expired: 'auth',
  account_inactive: 'auth',
  fatal_error: 'retryable',
  internal_error: 'retryable',
  service_unavailable: 'retryable',
  request_timeout: 'retryable',
};

export class SlackApiError extends ProviderCallError {
  /** Slack's error code (`channel_not_found`, `invalid_cursor` ...). */
  readonly slackError: string;

  constructor(slackError: string, failureClass: FailureClass, request: string, retryAt: Date | null) {
    super(failureClass, `${request} answered ok:false: ${slackError}`, { status: 200, retryAt, request });
    this.name = 'SlackApiError';
    this.slackError = slackError;
  }
}

/**
 * The body of a Slack answer, checked: `ok: false` throws a SlackApiError (anything not known to
 * be transient, auth or a rate limit is terminal: `channel_not_found`, `missing_scope` ...), and a
 * body that does not fit `schema` is terminal too, since asking again returns the same.
 */
export function slackResult<Schema extends z.ZodType>(
  response: ProviderResponse,
  schema: Schema,
  now: Date,
): z.output<Schema> {
  const request = `GET ${new URL(response.url).pathname}`;
  const body = response.body as { ok?: unknown; error?: unknown } | null;
  if (body?.ok !== true) {
    const code = typeof body?.error === 'string' ? body.error : 'unknown_error';
    const seconds = Number(response.headers.get('retry-after'));
    const retryAt = Number.isFinite(seconds) && seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null;
    throw new SlackApiError(code, CLASS_OF[code] ?? 'terminal', request, retryAt);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ProviderCallError('terminal', `${request} answered a body Switchboard cannot read`, {
      status: response.status,
      request,
      cause: parsed.error,
    });
  }
  return parsed.data;
}
