import type { FastifyInstance } from 'fastify';
import type { ConnectionServices } from '../connections/index.js';
import type { CallbackOutcome } from '../connections/install/callback.js';
import { bindRequestLog } from './log-bindings.js';
import { STRICT_PAGE_POLICY } from './security-headers.js';

/**
 * `GET /oauth/callback`: where providers send the user back (public; the single-use state is the
 * authentication). Sends the user on to the caller's (allowlisted) redirectUri with
 * `connection_id`, or with `error` (and `error_description`); without one, and always for a used,
 * expired or unknown state, a small result page. Never cached, and no Referer leaves with the code
 * in it.
 */
export function registerOAuthCallback(app: FastifyInstance, connections: ConnectionServices): void {
  app.get('/oauth/callback', async (request, reply) => {
    const query = firstValues(request.query);
    const outcome = await connections.handleCallback(
      { actor: 'system:oauth-callback', correlationId: request.id },
      query,
    );
    if (outcome.connectionId) bindRequestLog(request.log, { connectionId: outcome.connectionId });
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    // A Connect session's flow ends on its own result page (outcome recorded there).
    if (outcome.connectResultPath) return reply.redirect(outcome.connectResultPath, 303);
    if (outcome.redirectUri) return reply.redirect(redirectTarget(outcome.redirectUri, outcome), 303);
    return reply
      .code(outcome.ok ? 200 : 400)
      .header('content-security-policy', `${STRICT_PAGE_POLICY}; style-src 'unsafe-inline'`)
      .type('text/html; charset=utf-8')
      .send(resultPage(outcome));
  });
}

export function redirectTarget(redirectUri: string, outcome: CallbackOutcome): string {
  const url = new URL(redirectUri);
  if (outcome.ok) url.searchParams.set('connection_id', outcome.connectionId);
  else {
    url.searchParams.set('error', outcome.error);
    url.searchParams.set('error_description', outcome.message);
    if (outcome.connectionId) url.searchParams.set('connection_id', outcome.connectionId);
  }
  return url.href;
}

function resultPage(outcome: CallbackOutcome): string {
  const title = outcome.ok ? 'Connected' : 'Not connected';
  const body = outcome.ok
    ? `The connection to ${escapeHtml(outcome.provider)} is ready (${escapeHtml(outcome.connectionId)}). You can close this window.`
    : `${escapeHtml(outcome.message)} (${escapeHtml(outcome.error)})`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>${title}</h1><p>${body}</p></body></html>`;
}

function firstValues(query: unknown): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  if (typeof query !== 'object' || query === null) return values;
  for (const [name, value] of Object.entries(query)) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[name] = first;
  }
  return values;
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
