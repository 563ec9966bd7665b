import { readPath } from '../shared/json-path.js';
import { directClientAuth } from './client-auth.js';
import { type CallContext, detailOf } from './context.js';
import { endpointUrl } from './endpoints.js';
import { OAuthConfigurationError, ProviderUnexpectedResponseError } from './errors.js';
import { errorFromAnswer } from './transport/classify.js';
import { mergeHeaders, providerRequest } from './transport/http.js';
import type { OAuthClient } from './types.js';

/**
 * A token request made with fetch, for the providers openid-client cannot talk to as they are:
 * JSON request bodies (Notion), form-encoded answers (GitHub without, and sometimes despite,
 * `Accept: application/json`), failures inside a 200 (Slack's `{"ok": false}`, GitHub's
 * `{"error": ...}`), tokens away from the top level (Slack's user-only installs). Returns the
 * decoded success body for normalizeTokenResponse; every failure is thrown classified.
 */
export async function directTokenRequest(
  context: CallContext,
  client: OAuthClient,
  values: Readonly<Record<string, string>>,
  grant: Record<string, string>,
): Promise<Record<string, unknown>> {
  const { auth, id } = context.manifest;
  if (!auth.tokenUrl) {
    throw new OAuthConfigurationError(`Provider "${id}" declares no token endpoint`, { provider: id });
  }
  const url = endpointUrl(auth.tokenUrl, values, { provider: id, field: 'auth.tokenUrl' });
  const clientAuth = directClientAuth(id, auth.clientAuth, client);
  const fields = { ...grant, ...clientAuth.params };
  const json = auth.tokenRequestEncoding === 'json';
  const response = await providerRequest(context, url, {
    method: 'POST',
    headers: mergeHeaders(
      {
        accept: 'application/json',
        'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
      },
      clientAuth.headers,
      auth.tokenRequestHeaders,
    ),
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });

  const body = decode(response.body, response.headers.get('content-type') ?? '', auth.tokenResponse.format);
  if (response.status < 200 || response.status > 299) {
    throw errorFromAnswer(context, {
      status: response.status,
      error: body?.['error'],
      description: body?.['error_description'],
      retryAfter: response.headers.get('retry-after'),
    });
  }
  if (!body) {
    throw new ProviderUnexpectedResponseError(
      `${context.manifest.displayName} answered the token request with a body that is neither JSON nor a form`,
      502,
      detailOf(context, {
        status: response.status,
        reason: `content-type ${response.headers.get('content-type')}`,
      }),
    );
  }
  const failure = failureInBody(context, body);
  if (failure !== undefined) {
    throw errorFromAnswer(context, {
      status: response.status,
      error: failure,
      description: body['error_description'],
      retryAfter: response.headers.get('retry-after'),
    });
  }
  return body;
}

/**
 * The error code of a 200 that is really a failure, or undefined. With `errorInBody` that is the
 * manifest's rule (Slack: `ok` not true; GitHub: an `error` present). Without it, a body with an
 * `error` string and no access token is still an RFC 6749 §5.2 error sent with the wrong status.
 */
function failureInBody(context: CallContext, body: Record<string, unknown>): unknown {
  const rules = context.manifest.auth.tokenResponse;
  if (rules.errorInBody) {
    const { okPath, errorPath } = rules.errorInBody;
    const error = readPath(body, errorPath);
    if (okPath !== undefined && readPath(body, okPath) !== true) return error ?? 'not_ok';
    if (error !== undefined && error !== null && error !== '') return error;
    return undefined;
  }
  const error = body['error'];
  return typeof error === 'string' && readPath(body, rules.accessTokenPath) === undefined ? error : undefined;
}

function decode(
  text: string,
  contentType: string,
  format: 'json' | 'form_or_json',
): Record<string, unknown> | undefined {
  const asJson = () => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  };
  if (contentType.includes('json')) return asJson();
  if (format === 'form_or_json' && !text.trimStart().startsWith('{')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return asJson();
}
